// An optional vision caption from a language model that sees images (OpenAI's Responses API, or an
// OpenAI-compatible server such as a local llava), as structured output checked with zod. It runs
// only when a model is configured and VISION_CAPTION is not off: the picture leaves the machine
// for OpenAI, so `off` keeps a library local. The picture is shrunk first (it costs tokens).
import { generateText, type LanguageModel, Output } from 'ai';
import sharp from 'sharp';
import { z } from 'zod';
import { remoteModel } from '../agent/model.ts';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';

/** What the caption step asks the model for. */
export const CaptionSchema = z.object({
  caption: z.string().min(1).max(400).describe('one plain sentence saying what the picture shows'),
  objects: z
    .array(z.string().min(1).max(60))
    .max(20)
    .describe('the main things in the picture, each a short noun phrase'),
  setting: z.string().max(80).describe('where it seems to be, or "graphic" for artwork'),
  mood: z.string().max(40).describe('one or two words'),
});
export type Caption = z.infer<typeof CaptionSchema>;

const LONGEST_SIDE = 768;

export interface CaptionModel {
  model: LanguageModel;
  /** e.g. "openai:gpt-5-mini": stored with each caption. */
  id: string;
}

/** The configured captioning model, or null when there is none (or VISION_CAPTION=off). */
export function captionModel(config: Config): CaptionModel | null {
  if (config.vision.caption === 'off') return null;
  const m = remoteModel(config.llm, config.vision.captionModel ?? config.llm.model);
  return m && { model: m.model, id: m.id };
}

export async function captionImage(
  m: CaptionModel,
  bytes: Buffer,
  opts: { maxPixels?: number; signal?: AbortSignal } = {},
): Promise<Caption> {
  const jpeg = await sharp(bytes, { limitInputPixels: opts.maxPixels ?? 100e6, failOn: 'error' })
    .rotate()
    .resize(LONGEST_SIDE, LONGEST_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 80 })
    .toBuffer();
  try {
    const { output } = await generateText({
      model: m.model,
      output: Output.object({ schema: CaptionSchema }),
      abortSignal: opts.signal,
      maxRetries: 2,
      instructions:
        'You describe marketing images for a digital asset library. Say only what is visible. Never guess a person’s age, gender, ethnicity or identity.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this image.' },
            { type: 'image', image: new Uint8Array(jpeg), mediaType: 'image/jpeg' },
          ],
        },
      ],
    });
    return output;
  } catch (e) {
    throw new AppError(
      'unavailable',
      `the caption model (${m.id}) gave no usable caption: ${e instanceof Error ? e.message : e}`,
    );
  }
}
