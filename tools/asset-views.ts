// Tool inputs shared by the asset tools.
import { z } from 'zod';

export const AssetIdInput = z
  .string()
  .min(2)
  .max(80)
  .describe(
    'asset id as returned by other tools, e.g. "k3j2m9x4p1q8abcd" (an "asset:" prefix is accepted)',
  );
