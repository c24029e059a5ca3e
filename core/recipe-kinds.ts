// Recipe kinds the engine makes besides fitted crops, for the server and the workers alike: the
// demo library's template re-layout (its renditions and localized cuts are re-made from it).
import { relayoutKind } from '../demo/relayout.ts';
import type { AnyRecipeKind } from '../renditions/kinds.ts';

export const RECIPE_KINDS: readonly AnyRecipeKind[] = [relayoutKind];
