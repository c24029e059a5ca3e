// Generative extend (outpainting) on the GPU lane: the picture stays whole in the centre and an
// image model paints the margins a new aspect needs. Two providers behind one interface:
//  - `openai`: OpenAI image editing through the AI SDK (POST /v1/images/edits, multipart: the
//    picture on a transparent canvas, its alpha as the mask);
//  - `sd-webui`: a self-hosted Stable Diffusion server speaking the AUTOMATIC1111 / Forge /
//    SD.Next API (POST /sdapi/v1/img2img, JSON: init image, a white-is-fill mask, the prompt).
// The original pixels are composited back over the generated frame, so the model only ever adds
// margins. Its output is marked generative and stays a draft until a person approves it.
import { createOpenAI } from '@ai-sdk/openai';
import { generateImage } from 'ai';
import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

export const Generator = z.object({
  provider: z.enum(['openai', 'sd-webui']),
  model: z.string().min(1).max(120),
  prompt: z.string().min(1).max(1000),
});
export type Generator = z.infer<typeof Generator>;

export interface OutpaintRequest {
  /** The picture on a canvas of the provider's size; transparent where the model paints. */
  image: Buffer;
  /** White where the model paints, black where the picture is (PNG, the canvas's size). */
  mask: Buffer;
  width: number;
  height: number;
  prompt: string;
  signal?: AbortSignal;
}

export interface OutpaintProvider {
  readonly id: Generator['provider'];
  readonly model: string;
  /** The canvas size the model takes for an output of aspect `aspect` (width / height). */
  canvas(aspect: number): { width: number; height: number };
  /** The painted canvas (any raster format, any size: it is resized to the canvas). */
  outpaint(req: OutpaintRequest): Promise<Buffer>;
}

export interface OutpaintConfig {
  provider?: Generator['provider'];
  model?: string;
  /** sd-webui: the server's base URL. */
  url?: string;
  /** openai: the key and an optional base URL (a proxy, or a test server). */
  apiKey?: string;
  baseUrl?: string;
  prompt: string;
  timeoutMs: number;
}

/** The configured provider, or undefined when generative extend is off. */
export function outpaintProvider(cfg: OutpaintConfig): OutpaintProvider | undefined {
  if (cfg.provider === 'openai') {
    if (!cfg.apiKey) {
      throw new AppError('config', 'OUTPAINT_PROVIDER=openai needs OPENAI_API_KEY');
    }
    return new OpenAIOutpaint(cfg.model ?? 'gpt-image-1', cfg.apiKey, cfg.baseUrl, cfg.timeoutMs);
  }
  if (cfg.provider === 'sd-webui') {
    if (!cfg.url) {
      throw new AppError('config', 'OUTPAINT_PROVIDER=sd-webui needs OUTPAINT_URL (the server)');
    }
    return new SdWebuiOutpaint(cfg.model ?? 'default', cfg.url, cfg.timeoutMs);
  }
  return undefined;
}

const withTimeout = (ms: number, signal?: AbortSignal) =>
  signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);

class OpenAIOutpaint implements OutpaintProvider {
  readonly id = 'openai' as const;
  private readonly openai;
  constructor(
    readonly model: string,
    apiKey: string,
    baseURL: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.openai = createOpenAI({ apiKey, ...(baseURL ? { baseURL } : {}) });
  }

  /** GPT image models edit at 1024×1024, 1536×1024 or 1024×1536. */
  canvas(aspect: number) {
    if (aspect > 1.2) return { width: 1536, height: 1024 };
    if (aspect < 1 / 1.2) return { width: 1024, height: 1536 };
    return { width: 1024, height: 1024 };
  }

  async outpaint(req: OutpaintRequest): Promise<Buffer> {
    // OpenAI's mask is the transparent part of a PNG: the canvas's own alpha says it.
    const { image } = await generateImage({
      model: this.openai.image(this.model),
      prompt: { images: [req.image], mask: req.image, text: req.prompt },
      size: `${req.width}x${req.height}`,
      maxRetries: 0,
      abortSignal: withTimeout(this.timeoutMs, req.signal),
    });
    return Buffer.from(image.uint8Array);
  }
}

const SdResponse = z.object({ images: z.array(z.string().min(1)).min(1) });

class SdWebuiOutpaint implements OutpaintProvider {
  readonly id = 'sd-webui' as const;
  constructor(
    readonly model: string,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /** Stable Diffusion works in multiples of 64; a long side of 1024 keeps it quick. */
  canvas(aspect: number) {
    const long = 1024;
    const snap = (n: number) => Math.max(256, Math.round(n / 64) * 64);
    return aspect >= 1
      ? { width: long, height: snap(long / aspect) }
      : { width: snap(long * aspect), height: long };
  }

  async outpaint(req: OutpaintRequest): Promise<Buffer> {
    const res = await fetch(new URL('/sdapi/v1/img2img', this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        init_images: [req.image.toString('base64')],
        mask: req.mask.toString('base64'),
        prompt: req.prompt,
        negative_prompt: 'text, watermark, logo, letters',
        width: req.width,
        height: req.height,
        denoising_strength: 0.95,
        // 1: start the masked area from the picture's own colours, then paint over it.
        inpainting_fill: 1,
        inpaint_full_res: false,
        mask_blur: 8,
        steps: 30,
        ...(this.model !== 'default'
          ? { override_settings: { sd_model_checkpoint: this.model } }
          : {}),
      }),
      signal: withTimeout(this.timeoutMs, req.signal),
    });
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 200);
      throw new AppError(
        'unavailable',
        `the image server answered ${res.status}${detail ? `: ${detail}` : ''}`,
      );
    }
    const body = SdResponse.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new AppError('unavailable', 'the image server sent no image');
    return Buffer.from(body.data.images[0]!.replace(/^data:image\/\w+;base64,/, ''), 'base64');
  }
}

/**
 * The extended frame: the picture fitted whole inside tw×th, the margins painted by the model,
 * the original pixels composited back on top. `source` is the upright source pipeline.
 */
export async function outpaintFrame(
  source: () => Sharp,
  w: number,
  h: number,
  tw: number,
  th: number,
  gen: Generator,
  provider: OutpaintProvider,
): Promise<{ frame: Sharp; how: string }> {
  if (provider.id !== gen.provider || provider.model !== gen.model) {
    throw new AppError(
      'invalid_input',
      `the recipe asks for ${gen.provider} ${gen.model}; this worker runs ${provider.id} ${provider.model}`,
    );
  }
  // The canvas at the model's size, and in it the region at the target's aspect.
  const { width: pw, height: ph } = provider.canvas(tw / th);
  const scaleR = Math.min(pw / tw, ph / th);
  const rw = Math.round(tw * scaleR);
  const rh = Math.round(th * scaleR);
  const rl = Math.floor((pw - rw) / 2);
  const rt = Math.floor((ph - rh) / 2);
  const fit = Math.min(rw / w, rh / h);
  const sw = Math.max(1, Math.round(w * fit));
  const sh = Math.max(1, Math.round(h * fit));
  const sl = rl + Math.floor((rw - sw) / 2);
  const st = rt + Math.floor((rh - sh) / 2);
  const small = await source().resize(sw, sh, { fit: 'fill' }).png().toBuffer();
  const transparent = { r: 0, g: 0, b: 0, alpha: 0 };
  const image = await sharp({
    create: { width: pw, height: ph, channels: 4, background: transparent },
  })
    .composite([{ input: small, left: sl, top: st }])
    .png()
    .toBuffer();
  const hole = await sharp({ create: { width: sw, height: sh, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const mask = await sharp({ create: { width: pw, height: ph, channels: 3, background: '#fff' } })
    .composite([{ input: hole, left: sl, top: st }])
    .png()
    .toBuffer();
  let painted: Buffer;
  try {
    painted = await provider.outpaint({ image, mask, width: pw, height: ph, prompt: gen.prompt });
  } catch (e) {
    if (e instanceof AppError) throw e;
    // A provider that is down or slow is worth another try (the queue backs off).
    throw new AppError('unavailable', `${provider.id} outpainting failed: ${(e as Error).message}`);
  }
  // The painted canvas at the canvas's size, its target region cut out, at the target's size.
  const region = await sharp(painted)
    .resize(pw, ph, { fit: 'fill' })
    .extract({ left: rl, top: rt, width: rw, height: rh })
    .toBuffer()
    .catch((e: unknown) => {
      throw new AppError(
        'unavailable',
        `${provider.id} sent something that is not an image (${(e as Error).message})`,
      );
    });
  const back = await sharp(region).resize(tw, th, { fit: 'fill' }).removeAlpha().toBuffer();
  // The original pixels, at full quality from the source, over the painted frame.
  const inner = await source()
    .resize(tw, th, { fit: 'inside' })
    .toBuffer({ resolveWithObject: true });
  const painted_pct = Math.round((1 - (inner.info.width * inner.info.height) / (tw * th)) * 100);
  return {
    frame: sharp(back).composite([{ input: inner.data, gravity: 'centre' }]),
    how: `the whole picture kept in the centre of ${tw}×${th}, the other ${painted_pct}% painted by ${provider.id} ${provider.model} (generative: a draft until a person approves it)`,
  };
}
