// The CLIP vector space: the model (loaded on first use from MODELS_DIR) and its own kNN sidecar
// beside the builtin one (DATA_DIR/vectors/clip.*), so the two spaces never mix. Without a model
// it is simply absent, and search, similarity and enrichment go on with the builtin embedding.
import type { Logger } from '../core/log.ts';
import type { EmbeddingsRepository } from '../store/embeddings.repository.ts';
import { CLIP_PROVIDER, type Clip, ClipProvider } from '../vision/clip.ts';
import { VectorIndex } from './vector-index.ts';

export interface ClipSpaceOptions {
  modelsDir: string;
  model: string | null;
  /** Where the sidecar lives; none keeps it in memory (mem:// stores). */
  dir?: string;
  pollMs: number;
  log?: Logger;
}

export class ClipSpace {
  readonly provider: ClipProvider;
  private space?: Promise<{ clip: Clip; index: VectorIndex } | null>;

  constructor(
    private readonly rows: EmbeddingsRepository,
    private readonly opts: ClipSpaceOptions,
  ) {
    this.provider = new ClipProvider({
      modelsDir: opts.modelsDir,
      name: opts.model,
      log: opts.log,
    });
  }

  /** The model and its index, or null when no CLIP model is present (said once in the log). */
  get(): Promise<{ clip: Clip; index: VectorIndex } | null> {
    this.space ??= this.provider.get().then((clip) =>
      clip
        ? {
            clip,
            index: new VectorIndex(this.rows, {
              provider: CLIP_PROVIDER,
              model: clip.model,
              dims: clip.dims,
              dir: this.opts.dir,
              pollMs: this.opts.pollMs,
              log: this.opts.log,
            }),
          }
        : null,
    );
    return this.space;
  }

  /** Forgets deleted assets, when the space is open (else it reads their tombstones when it opens). */
  async remove(ids: readonly string[]): Promise<void> {
    (await this.space)?.index.remove(ids);
  }

  async close(): Promise<void> {
    const s = await this.space;
    await s?.index.close();
  }
}
