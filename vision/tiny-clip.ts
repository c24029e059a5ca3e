// A tiny CLIP-shaped model that the project generates itself, so that tests and CI run the real
// transformers.js path (config, tokenizer, image processor, onnxruntime sessions, the zero-shot
// pipeline) with no model hub. It is built to encode one thing, so its rankings can be checked:
// - the image tower averages each colour channel and keeps the chroma (each channel minus the
//   mean of the three) plus a constant, so a red picture points one way and a grey one another;
// - the text tower sums a learned-looking table of word vectors built the same way from each
//   colour word's RGB, so "a red poster" lands on red pictures.
// It knows nothing else: it is a plumbing check, never a judge of what a real CLIP model sees.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as OnnxProto from 'onnx-proto';

// onnx-proto is CommonJS whose exports Node cannot name statically.
const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof OnnxProto;

export const TINY_CLIP_DIMS = 4;
/** The weight of the constant (achromatic) axis: grey pictures and grey words share it. */
const GREY = 0.3;
const IMAGE_SIZE = 16;

/** Words the tiny model knows, each with the sRGB colour it stands for. */
export const TINY_CLIP_COLOURS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  orange: [240, 140, 20],
  yellow: [235, 220, 40],
  green: [40, 170, 60],
  teal: [0, 128, 128],
  cyan: [30, 200, 220],
  blue: [30, 60, 210],
  purple: [120, 50, 170],
  pink: [240, 120, 180],
  magenta: [210, 40, 170],
  grey: [128, 128, 128],
  gray: [128, 128, 128],
  black: [10, 10, 10],
  white: [245, 245, 245],
};
const SPECIAL = ['<|startoftext|>', '<|endoftext|>', '[UNK]'];

/** The vector a colour stands for: its chroma in the processor's [-1, 1] scale, and GREY. */
function colourVector([r, g, b]: [number, number, number]): number[] {
  const v = [r, g, b].map((c) => (c / 255) * 2 - 1);
  const m = (v[0]! + v[1]! + v[2]!) / 3;
  return [v[0]! - m, v[1]! - m, v[2]! - m, GREY];
}

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

const floats = (name: string, dims: number[], data: number[]) =>
  onnx.TensorProto.create({ name, dims, dataType: F, floatData: data });
const ints = (name: string, dims: number[], data: number[]) =>
  onnx.TensorProto.create({ name, dims, dataType: I64, int64Data: data });
const io = (name: string, elemType: number, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
const node = (
  opType: string,
  input: string[],
  output: string[],
  attribute: OnnxProto.onnx.IAttributeProto[] = [],
) => onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });
const intsAttr = (name: string, v: number[]) =>
  onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
const intAttr = (name: string, v: number) =>
  onnx.AttributeProto.create({ name, type: A.INT, i: v });

function vocab(): string[] {
  return [...SPECIAL, ...Object.keys(TINY_CLIP_COLOURS)];
}

/** Nodes of the text tower: input_ids → text_embeds (the sum of the words' vectors). */
function textTower(): { nodes: OnnxProto.onnx.INodeProto[]; init: OnnxProto.onnx.ITensorProto[] } {
  const table: number[] = [];
  for (const w of vocab()) {
    const c = TINY_CLIP_COLOURS[w];
    // Special and unknown tokens weigh almost nothing, but never leave a vector of zeros.
    table.push(...(c ? colourVector(c) : [0, 0, 0, 0.01]));
  }
  return {
    init: [
      floats('word_vectors', [vocab().length, TINY_CLIP_DIMS], table),
      ints('seq_axis', [1], [1]),
    ],
    nodes: [
      node('Gather', ['word_vectors', 'input_ids'], ['last_hidden_state'], [intAttr('axis', 0)]),
      node(
        'ReduceSum',
        ['last_hidden_state', 'seq_axis'],
        ['text_embeds'],
        [intAttr('keepdims', 0)],
      ),
    ],
  };
}

/** Nodes of the image tower: pixel_values → image_embeds (channel chroma and GREY). */
function imageTower(): { nodes: OnnxProto.onnx.INodeProto[]; init: OnnxProto.onnx.ITensorProto[] } {
  const t = 1 / 3;
  return {
    init: [
      floats('chroma', [3, TINY_CLIP_DIMS], [1 - t, -t, -t, 0, -t, 1 - t, -t, 0, -t, -t, 1 - t, 0]),
      floats('grey_axis', [TINY_CLIP_DIMS], [0, 0, 0, GREY]),
    ],
    nodes: [
      node(
        'ReduceMean',
        ['pixel_values'],
        ['channel_means'],
        [intsAttr('axes', [2, 3]), intAttr('keepdims', 0)],
      ),
      node('MatMul', ['channel_means', 'chroma'], ['image_chroma']),
      node('Add', ['image_chroma', 'grey_axis'], ['image_embeds']),
    ],
  };
}

function model(graph: OnnxProto.onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'curator-tiny-clip',
      opsetImport: [{ domain: '', version: 13 }],
      graph,
    }),
  ).finish();
}

/** Writes the tiny model (config, tokenizer, processor and three ONNX graphs) into `dir`. */
export async function writeTinyClip(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'onnx'), { recursive: true });
  const text = textTower();
  const image = imageTower();
  const textModel = model({
    name: 'text',
    node: text.nodes,
    initializer: text.init,
    input: [io('input_ids', I64, ['batch_size', 'sequence_length'])],
    output: [io('text_embeds', F, ['batch_size', TINY_CLIP_DIMS])],
  });
  const visionModel = model({
    name: 'vision',
    node: image.nodes,
    initializer: image.init,
    input: [io('pixel_values', F, ['batch_size', 3, IMAGE_SIZE, IMAGE_SIZE])],
    output: [io('image_embeds', F, ['batch_size', TINY_CLIP_DIMS])],
  });
  // The combined model, as the zero-shot pipeline runs it: the text and image batches differ.
  const combined = model({
    name: 'clip',
    node: [
      ...text.nodes,
      ...image.nodes,
      node(
        'ReduceL2',
        ['text_embeds'],
        ['text_norm'],
        [intsAttr('axes', [1]), intAttr('keepdims', 1)],
      ),
      node('Div', ['text_embeds', 'text_norm'], ['text_unit']),
      node(
        'ReduceL2',
        ['image_embeds'],
        ['image_norm'],
        [intsAttr('axes', [1]), intAttr('keepdims', 1)],
      ),
      node('Div', ['image_embeds', 'image_norm'], ['image_unit']),
      node('Transpose', ['text_unit'], ['text_unit_t'], [intsAttr('perm', [1, 0])]),
      node('MatMul', ['image_unit', 'text_unit_t'], ['cosines']),
      node('Mul', ['cosines', 'logit_scale'], ['logits_per_image']),
      node('Transpose', ['logits_per_image'], ['logits_per_text'], [intsAttr('perm', [1, 0])]),
    ],
    initializer: [...text.init, ...image.init, floats('logit_scale', [], [100])],
    input: [
      io('input_ids', I64, ['text_batch_size', 'sequence_length']),
      io('pixel_values', F, ['image_batch_size', 3, IMAGE_SIZE, IMAGE_SIZE]),
    ],
    output: [
      io('logits_per_image', F, ['image_batch_size', 'text_batch_size']),
      io('logits_per_text', F, ['text_batch_size', 'image_batch_size']),
      io('text_embeds', F, ['text_batch_size', TINY_CLIP_DIMS]),
      io('image_embeds', F, ['image_batch_size', TINY_CLIP_DIMS]),
    ],
  });
  const words = vocab();
  const special = (content: string) => ({
    id: words.indexOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tok = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const files: Record<string, unknown> = {
    'config.json': {
      _name_or_path: 'curator/tiny-clip',
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: TINY_CLIP_DIMS,
      logit_scale_init_value: Math.log(100),
      text_config: {
        model_type: 'clip_text_model',
        hidden_size: TINY_CLIP_DIMS,
        projection_dim: TINY_CLIP_DIMS,
        vocab_size: words.length,
        max_position_embeddings: 16,
      },
      vision_config: {
        model_type: 'clip_vision_model',
        hidden_size: TINY_CLIP_DIMS,
        projection_dim: TINY_CLIP_DIMS,
        image_size: IMAGE_SIZE,
        patch_size: IMAGE_SIZE,
      },
    },
    'tokenizer.json': {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map(special),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          tok('<|startoftext|>'),
          { Sequence: { id: 'A', type_id: 0 } },
          tok('<|endoftext|>'),
        ],
        pair: [
          tok('<|startoftext|>'),
          { Sequence: { id: 'A', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 0 } },
          tok('<|endoftext|>'),
        ],
        special_tokens: Object.fromEntries(
          ['<|startoftext|>', '<|endoftext|>'].map((t) => [
            t,
            { id: t, ids: [words.indexOf(t)], tokens: [t] },
          ]),
        ),
      },
      decoder: null,
      model: {
        type: 'WordLevel',
        vocab: Object.fromEntries(words.map((w, i) => [w, i])),
        unk_token: '[UNK]',
      },
    },
    'tokenizer_config.json': {
      tokenizer_class: 'CLIPTokenizer',
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '[UNK]',
      model_max_length: 16,
      do_lower_case: true,
    },
    'preprocessor_config.json': {
      image_processor_type: 'CLIPImageProcessor',
      do_resize: true,
      size: { shortest_edge: IMAGE_SIZE },
      do_center_crop: true,
      crop_size: { height: IMAGE_SIZE, width: IMAGE_SIZE },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      do_convert_rgb: true,
      resample: 3,
    },
  };
  for (const [name, body] of Object.entries(files)) {
    await writeFile(path.join(dir, name), `${JSON.stringify(body, null, 2)}\n`);
  }
  await writeFile(path.join(dir, 'onnx', 'text_model.onnx'), textModel);
  await writeFile(path.join(dir, 'onnx', 'vision_model.onnx'), visionModel);
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), combined);
}
