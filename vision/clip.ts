// CLIP embeddings through @huggingface/transformers v4, from a local model folder only (never the
// hub at run time): an image tower for assets and a text tower for queries, in one vector space,
// plus zero-shot tags from a taxonomy. onnxruntime-node runs each session on its own thread pool,
// so inference does not hold the event loop; decoding goes through sharp, off the loop too.
// When the folder has no model, Curator says so once and goes on with the builtin embedding.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';

export const CLIP_PROVIDER = 'clip';

/** The files a CLIP folder needs: config, tokenizer, image processor and the two towers. */
export const CLIP_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'preprocessor_config.json',
  'onnx/text_model.onnx',
  'onnx/vision_model.onnx',
] as const;

/** Where `curator models pull <name>` fetches each known model from. */
export const KNOWN_MODELS: Record<string, { repo: string; about: string }> = {
  'clip-vit-base-patch32': {
    repo: 'Xenova/clip-vit-base-patch32',
    about: 'OpenAI CLIP ViT-B/32 (ONNX export), 512-d, ~600 MB',
  },
  'clip-vit-base-patch16': {
    repo: 'Xenova/clip-vit-base-patch16',
    about: 'OpenAI CLIP ViT-B/16 (ONNX export), 512-d, ~600 MB',
  },
};

export interface ModelStatus {
  name: string;
  dir: string;
  present: boolean;
  missing: string[];
  bytes: number;
}

export async function modelStatus(modelsDir: string, name: string): Promise<ModelStatus> {
  const dir = path.join(modelsDir, name);
  const missing: string[] = [];
  let bytes = 0;
  for (const f of CLIP_FILES) {
    try {
      bytes += (await stat(path.join(dir, f))).size;
    } catch {
      missing.push(f);
    }
  }
  return { name, dir, present: missing.length === 0, missing, bytes };
}

export interface Clip {
  /** Model and version, e.g. "clip-vit-base-patch32@3f2a9c01": vectors of two versions never mix. */
  readonly model: string;
  readonly dims: number;
  embedImage(bytes: Buffer, opts?: { maxPixels?: number }): Promise<Float32Array>;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  /** CLIP's learned temperature: cosine × scale are the logits of a zero-shot choice. */
  readonly logitScale: number;
}

const ClipConfig = z
  .object({
    model_type: z.string(),
    projection_dim: z.number().int().positive(),
    logit_scale_init_value: z.number().optional(),
  })
  .loose();

/** The longest side a picture is shrunk to before the processor (which wants ~224 px). */
const PRE_SHRINK = 448;

function unit(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}

/**
 * Loads the model in `modelsDir/name`. Throws `unavailable` when files are missing (the
 * message says which, and how to get them).
 */
export async function loadClip(modelsDir: string, name: string): Promise<Clip> {
  const status = await modelStatus(modelsDir, name);
  if (!status.present) {
    throw new AppError(
      'unavailable',
      `no CLIP model in ${status.dir} (missing ${status.missing.join(', ')}); run \`curator models pull ${name}\` on a connected machine, or copy the folder there`,
    );
  }
  const configText = await readFile(path.join(status.dir, 'config.json'), 'utf8');
  const config = ClipConfig.parse(JSON.parse(configText));
  if (config.model_type !== 'clip') {
    throw new AppError('unavailable', `${status.dir} holds a ${config.model_type} model, not CLIP`);
  }
  // The version: the config and the size of every file (a replaced model is a new space).
  const version = createHash('sha256')
    .update(configText)
    .update(String(status.bytes))
    .digest('hex')
    .slice(0, 8);
  const t = await import('@huggingface/transformers');
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = `${modelsDir}${path.sep}`;
  const opts = { dtype: 'fp32' as const, local_files_only: true };
  const [tokenizer, processor, text, vision] = await Promise.all([
    t.AutoTokenizer.from_pretrained(name, { local_files_only: true }),
    t.AutoProcessor.from_pretrained(name, { local_files_only: true }),
    t.CLIPTextModelWithProjection.from_pretrained(name, opts),
    t.CLIPVisionModelWithProjection.from_pretrained(name, opts),
  ]);
  const dims = config.projection_dim;
  const logitScale = Math.exp(config.logit_scale_init_value ?? Math.log(100));
  return {
    model: `${name}@${version}`,
    dims,
    logitScale,
    async embedImage(bytes, o = {}) {
      const { data, info } = await sharp(bytes, {
        limitInputPixels: o.maxPixels ?? 100e6,
        failOn: 'error',
      })
        .rotate()
        .resize(PRE_SHRINK, PRE_SHRINK, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const image = new t.RawImage(new Uint8ClampedArray(data), info.width, info.height, 3);
      const inputs = await processor(image);
      const { image_embeds } = await vision(inputs);
      return unit(image_embeds.data as Float32Array);
    },
    async embedTexts(texts) {
      if (!texts.length) return [];
      const inputs = tokenizer([...texts], { padding: true, truncation: true });
      const { text_embeds } = await text(inputs);
      const flat = text_embeds.data as Float32Array;
      return texts.map((_, i) => unit(flat.subarray(i * dims, (i + 1) * dims)));
    },
  };
}

/** Loads the configured CLIP model once, on first use; says once why there is none. */
export class ClipProvider {
  private loading?: Promise<Clip | null>;
  private readonly texts = new Map<string, Float32Array>();

  constructor(private readonly opts: { modelsDir: string; name: string | null; log?: Logger }) {}

  get(): Promise<Clip | null> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<Clip | null> {
    const { name, modelsDir, log } = this.opts;
    if (!name) return null;
    try {
      const clip = await loadClip(modelsDir, name);
      log?.info({ model: clip.model, dims: clip.dims }, 'CLIP model loaded');
      return clip;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log?.warn(`${message}; using the builtin embedding only`);
      return null;
    }
  }

  /** One text's embedding, cached (queries repeat; label prompts always do). */
  async text(clip: Clip, s: string): Promise<Float32Array> {
    const hit = this.texts.get(s);
    if (hit) return hit;
    const [v] = await clip.embedTexts([s]);
    if (this.texts.size >= 1000) this.texts.delete(this.texts.keys().next().value!);
    this.texts.set(s, v!);
    return v!;
  }
}

// ——— zero-shot tags ———

export const Taxonomy = z.object({
  /** How a label is put to the model; {} is the label. */
  template: z.string().includes('{}').default('a photo of {}'),
  facets: z.record(
    z.string().regex(/^[a-z][a-z0-9 _-]{0,39}$/),
    z.object({
      labels: z.array(z.string().min(1).max(80)).min(2).max(64),
      /** A label is a tag when the model gives it at least this probability within its facet. */
      minConfidence: z.number().min(0).max(1).default(0.4),
    }),
  ),
});
export type Taxonomy = z.infer<typeof Taxonomy>;

export const DEFAULT_TAXONOMY_FILE = new URL('./taxonomy.json', import.meta.url);

export async function readTaxonomy(file?: string): Promise<Taxonomy> {
  const where = file ?? DEFAULT_TAXONOMY_FILE;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(where, 'utf8'));
  } catch (e) {
    throw new AppError(
      'config',
      `taxonomy ${String(where)} is not readable JSON: ${e instanceof Error ? e.message : e}`,
    );
  }
  const parsed = Taxonomy.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'config',
      `taxonomy ${String(where)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export interface ClipTag {
  facet: string;
  name: string;
  confidence: number;
}

/** The likeliest label of each facet, where the model is sure enough of it. */
export async function zeroShotTags(
  provider: ClipProvider,
  clip: Clip,
  image: Float32Array,
  taxonomy: Taxonomy,
): Promise<ClipTag[]> {
  const out: ClipTag[] = [];
  for (const [facet, f] of Object.entries(taxonomy.facets)) {
    const logits: number[] = [];
    for (const label of f.labels) {
      const t = await provider.text(clip, taxonomy.template.replace('{}', label));
      let dot = 0;
      for (let i = 0; i < image.length; i++) dot += image[i]! * t[i]!;
      logits.push(dot * clip.logitScale);
    }
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    let best = 0;
    for (let i = 1; i < exps.length; i++) if (exps[i]! > exps[best]!) best = i;
    const p = exps[best]! / sum;
    if (p >= f.minConfidence) {
      out.push({ facet, name: f.labels[best]!, confidence: Math.round(p * 1000) / 1000 });
    }
  }
  return out;
}
