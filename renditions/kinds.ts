// Recipe kinds beyond fitting a source: a kind is a schema and a function that makes the output from
// the recipe alone, so the engine can re-make what was made that way (the demo's template re-layout
// is one: demo/relayout.ts). The composition root hands the kinds to the processor.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { canonicalJson } from '../core/util.ts';
import type { OutputFormat } from './specs.ts';

export interface KindOutput {
  data: Buffer;
  width: number;
  height: number;
  format: OutputFormat;
  quality: number | null;
  explanation: string;
}

export interface RecipeKind<S extends z.ZodType = z.ZodType> {
  /** The recipe's `kind` field. */
  kind: string;
  schema: S;
  make(recipe: z.output<S>): Promise<KindOutput>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds kinds of every recipe shape
export type AnyRecipeKind = RecipeKind<any>;

/** A kind recipe's identity: sha256 of its canonical JSON, as for fitted recipes. */
export const kindHash = (recipe: unknown) =>
  createHash('sha256').update(canonicalJson(recipe)).digest('hex');
