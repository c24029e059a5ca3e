// People, faces and expressions: @vladmandic/human on the tfjs wasm backend, with the models from
// its own package. Faces come with a box, a confidence and the most likely expression. Measured
// choices: COCO objects are off (on flat vector art they report "traffic light" and "clock"),
// and gender and age are never inferred (the age model put nearly everyone at 23-30). A face
// counts above FACE_MIN_SCORE; a person without a visible face counts only from a confident body.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PeopleResult } from '../store/models.ts';
import { uprightOnWhite } from './decode.ts';

export type { PeopleResult } from '../store/models.ts';

export const PEOPLE_MODEL = 'human-3.3-blazeface-emotion-movenet@wasm';
export const FACE_MIN_SCORE = 0.6;
// Measured on the demo: at 0.5, movenet found "bodies" in 4 of 282 vector-art stories; at 0.8, none.
const BODY_MIN_SCORE = 0.8;
const EXPRESSION_MIN_SCORE = 0.5;
const WORK_SIDE = 1280;

// biome-ignore lint/suspicious/noExplicitAny: Human's bundle types do not resolve under NodeNext
type Human = any;
let loading: Promise<{ human: Human }> | undefined;

const pkgDir = (name: string) => {
  const require = createRequire(import.meta.url);
  // The packages' exports hide package.json; their main file sits under the package folder.
  let dir = path.dirname(require.resolve(name));
  while (!dir.endsWith(path.join('node_modules', ...name.split('/')))) dir = path.dirname(dir);
  return dir;
};

/** Human fetches its models by URL; Node's fetch has no file:// scheme, so it is served here. */
function serveFileUrls() {
  const real = globalThis.fetch;
  if ((real as { curatorFiles?: boolean }).curatorFiles) return;
  const wrapped = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return real(input, init);
    const data = await readFile(new URL(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(data, { status: 200, headers: { 'content-type': type } });
  };
  (wrapped as { curatorFiles?: boolean }).curatorFiles = true;
  globalThis.fetch = wrapped as typeof fetch;
}

function load(): Promise<{ human: Human }> {
  loading ??= (async () => {
    serveFileUrls();
    const humanDir = pkgDir('@vladmandic/human');
    const wasmDir = path.join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist');
    // The wasm build is required by path: the package's exports point Node at the tfjs-node one.
    const { Human } = createRequire(import.meta.url)(
      path.join(humanDir, 'dist', 'human.node-wasm.js'),
    );
    const human = new Human({
      backend: 'wasm',
      wasmPath: `${pathToFileURL(wasmDir).href}/`,
      modelBasePath: `${pathToFileURL(path.join(humanDir, 'models')).href}/`,
      debug: false,
      async: true,
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 30, minConfidence: 0.3 },
        mesh: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: true },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: true, modelPath: 'movenet-lightning.json', minConfidence: 0.3 },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    await human.load();
    return { human };
  })().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

export async function findPeople(
  data: Buffer,
  size: { width: number; height: number },
): Promise<Omit<PeopleResult, 'model' | 'assetVersion'>> {
  const { human } = await load();
  const scale = Math.min(1, WORK_SIDE / Math.max(size.width, size.height));
  const work = uprightOnWhite(data, size, scale);
  const { width: w, height: h } = work;
  const raw = await work.image.raw().toBuffer();
  const tensor = human.tf.tensor3d(new Uint8Array(raw), [h, w, 3], 'int32');
  try {
    const r = await human.detect(tensor);
    const faces = (
      r.face as { score: number; box: number[]; emotion?: { score: number; emotion: string }[] }[]
    )
      .filter((f) => f.score >= FACE_MIN_SCORE)
      .map((f) => {
        const [x, y, bw, bh] = f.box.map((v) => Math.round(v / scale));
        const top = [...(f.emotion ?? [])].sort((a, b) => b.score - a.score)[0];
        return {
          box: { x: x!, y: y!, width: bw!, height: bh! },
          score: Math.round(f.score * 1000) / 1000,
          ...(top && top.score >= EXPRESSION_MIN_SCORE
            ? { expression: top.emotion, expressionScore: Math.round(top.score * 1000) / 1000 }
            : {}),
        };
      });
    const bodies = (r.body as { score: number }[]).filter((b) => b.score >= BODY_MIN_SCORE).length;
    return { faces, people: Math.max(faces.length, bodies) };
  } finally {
    tensor.dispose();
  }
}
