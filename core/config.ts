// One zod schema over the environment, parsed once at start-up; a wrong value names the variable.
import path from 'node:path';
import { z } from 'zod';
import type { OutpaintConfig } from '../renditions/outpaint.ts';
import { AppError } from './errors.ts';

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const EnvSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  SURREAL_URL: z
    .string()
    .regex(
      /^(surrealkv|mem|ws|wss|http|https|rocksdb):\/\//,
      'must start with surrealkv://, mem://, ws(s):// or http(s)://',
    )
    .optional(),
  SURREAL_NAMESPACE: z.string().min(1).default('curator'),
  SURREAL_DATABASE: z.string().min(1).default('main'),
  SURREAL_USER: z.string().optional(),
  SURREAL_PASS: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_SEED: z.enum(['auto', 'off']).default('auto'),
  /** Face detection in the people step; off keeps faces out of the library altogether. */
  VISION_FACES: z.enum(['on', 'off']).default('on'),
  /** Local model folders (CLIP); `curator models pull` fills it on a connected machine. */
  MODELS_DIR: z.string().min(1).optional(),
  /** The CLIP model's folder name under MODELS_DIR; "off" uses the builtin embedding only. */
  CLIP_MODEL: z
    .string()
    .regex(/^(off|[A-Za-z0-9][A-Za-z0-9._-]{0,99})$/, 'a folder name under MODELS_DIR, or off')
    .default('clip-vit-base-patch32'),
  /** Zero-shot tag facets and labels (JSON); the shipped taxonomy when unset. */
  TAXONOMY_FILE: z.string().min(1).optional(),
  /** Where `curator models pull` downloads from (a Hugging Face hub or a mirror of it). */
  HF_ENDPOINT: z.url().default('https://huggingface.co'),
  /**
   * The vision caption step (the picture goes to the configured model): `ask` runs it only when
   * asked for (`curator enrich --step caption`), `auto` with every enrichment, `off` never.
   */
  VISION_CAPTION: z.enum(['ask', 'auto', 'off']).default('ask'),
  /** The model that captions (must see images); OPENAI_MODEL (or gpt-5-mini) by default. */
  OPENAI_VISION_MODEL: z.string().min(1).optional(),
  MAX_PIXELS_MP: z.coerce.number().positive().max(1000).default(100),
  MAX_FILE_MB: z.coerce.number().positive().max(4096).default(200),
  URL_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  URL_FETCH_MAX_MB: z.coerce.number().positive().max(4096).default(50),
  URL_FETCH_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  URL_ALLOW_HOSTS: csv.default([]),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).optional(),
  AGENT_MAX_STEPS: z.coerce.number().int().min(1).max(50).default(8),
  AGENT_MEMORY_TOKENS: z.coerce.number().int().min(256).max(1_000_000).default(6000),
  MCP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MCP_ALLOWED_HOSTS: csv.default([]),
  MCP_ALLOWED_ORIGINS: csv.default([]),
  MCP_HTTP_ELICITATION: z.enum(['off', 'on']).default('off'),
  APPROVER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bearer token for POST /api/performance (unset: the route is off). */
  PERFORMANCE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** For `curator import-performance --meta`: a token with ads_read, and the Graph API's address. */
  META_ACCESS_TOKEN: z.string().min(1).optional(),
  META_GRAPH_URL: z.string().url().default('https://graph.facebook.com'),
  /** The currency spend and revenue are counted in; imports in another need a rate. */
  CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code')
    .transform((s) => s.toUpperCase())
    .default('USD'),
  APPROVERS: csv.default([]),
  /** The web chat's shared secret: set, people sign in with it (required off loopback). */
  WEB_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Personal web sign-ins, "name:token" pairs separated by commas: the token says who the person
   * is, so ownership and the approver group (APPROVERS) rest on it, not on a name typed in.
   */
  WEB_USERS: csv
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,59}:[^,\s]{16,}$/u,
            'each entry is name:token, the token 16+ characters',
          ),
      ),
    )
    .default([]),
  WEB_SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 90)
    .default(12),
  /** BullMQ's Redis for the rendition lanes; unset: renditions run in the process. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'redis://host:port')
    .optional(),
  /** The prefix of the queue's Redis keys (several Curators may share one Redis). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and -')
    .default('curator'),
  /** request-renditions asks a person first when one request makes more files than this. */
  RENDITIONS_APPROVAL_ABOVE: z.coerce.number().int().min(0).max(100_000).default(20),
  /** Generative extend (fit outpaint, the GPU lane): openai (image edits) or sd-webui (A1111 API). */
  OUTPAINT_PROVIDER: z.enum(['openai', 'sd-webui']).optional(),
  /** The image model: gpt-image-1 for openai; a checkpoint name for sd-webui (its own by default). */
  OUTPAINT_MODEL: z.string().min(1).max(120).optional(),
  /** sd-webui: the server, e.g. http://gpu-box:7860 */
  OUTPAINT_URL: z.url().optional(),
  OUTPAINT_PROMPT: z
    .string()
    .min(1)
    .max(1000)
    .default(
      'Extend the background of this picture naturally beyond its edges. Add no text, no logos, no people.',
    ),
  OUTPAINT_TIMEOUT_S: z.coerce.number().min(5).max(900).default(180),
  /** true: /r/<asset>/<spec>.<format> (approved assets only) needs no sign-in, for a site's images. */
  DELIVERY_PUBLIC: z.enum(['true', 'false']).default('false'),
  /** A worker's job lock (ms): a job whose worker died is taken by another once it lapses. */
  RENDITION_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** A ripple (re-making what derives from a new version) waits for approval above this many files. */
  RIPPLE_APPROVAL_ABOVE: z.coerce.number().int().min(0).max(100_000).default(20),
  /** Channel specs of your own (JSON array), added to the shipped ones; validated at start-up. */
  RENDITION_SPECS_FILE: z.string().min(1).optional(),
  /** Slack: the app's signing secret and bot token turn on HTTP mode at /slack/events. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** An app-level token (xapp-…): Socket Mode instead of HTTP. */
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  /** The Web API's base (tests, GovSlack). */
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  /** Where notices go (a channel id): budget proposals awaiting a decision. */
  SLACK_NOTIFY_CHANNEL: z.string().min(1).optional(),
  /** Work through enrichment the store lacks after start-up (embeddings, OCR); off for tests. */
  ENRICH_ON_START: z.enum(['auto', 'off']).default('auto'),
  APPROVAL_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(60 * 24),
});

export type Env = Partial<Record<keyof z.input<typeof EnvSchema>, string>>;

export interface Config {
  dataDir: string;
  blobDir: string;
  surreal: { url: string; namespace: string; database: string; user?: string; pass?: string };
  http: { host: string; port: number; publicUrl?: string };
  logLevel: z.output<typeof EnvSchema>['LOG_LEVEL'];
  demoSeed: 'auto' | 'off';
  limits: { maxPixels: number; maxFileBytes: number };
  vision: {
    faces: boolean;
    modelsDir: string;
    /** null: CLIP is off. */
    clipModel: string | null;
    taxonomyFile?: string;
    hubUrl: string;
    caption: 'ask' | 'auto' | 'off';
    captionModel?: string;
  };
  urlFetch: { timeoutMs: number; maxBytes: number; maxRedirects: number; allowHosts: string[] };
  llm: {
    apiKey?: string;
    baseUrl?: string;
    model?: string;
    maxSteps: number;
    memoryTokens: number;
  };
  mcp: {
    token?: string;
    allowedHosts: string[];
    allowedOrigins: string[];
    /** Whether an MCP client over HTTP may approve through elicitation (it may be a program). */
    httpElicitation: boolean;
  };
  /** `approvers` empty: whoever asked on a surface that proves a person may approve their own request. */
  approvals: { ttlMs: number; approverToken?: string; approvers: string[] };
  performance: { token?: string; currency: string; metaToken?: string; metaGraphUrl: string };
  /** The web chat: `authToken` unset is single-user mode, for a loopback listener only. */
  web: {
    /** Shared: whoever holds it signs in under a name they give (not an identity). */
    authToken?: string;
    /** Personal tokens: the token names the person. */
    users: { name: string; token: string }[];
    sessionTtlMs: number;
  };
  enrichOnStart: boolean;
  renditions: {
    redisUrl?: string;
    specsFile?: string;
    queuePrefix: string;
    approvalAbove: number;
    /** A ripple of more files than this, or touching a live placement, waits for approval. */
    rippleApprovalAbove: number;
    lockMs: number;
    publicDelivery: boolean;
    outpaint: OutpaintConfig;
  };
  slack: {
    signingSecret?: string;
    botToken?: string;
    appToken?: string;
    apiUrl: string;
    notifyChannel?: string;
  };
}

/** Parses the environment once. Empty strings count as unset so `FOO=` in a .env file is harmless. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(EnvSchema.shape);
  const raw: Record<string, string> = {};
  for (const k of known) {
    const v = env[k];
    if (v !== undefined && v !== '') raw[k] = v;
  }
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `${name}=${JSON.stringify(raw[name] ?? '')}: ${i.message}`;
    });
    throw new AppError('config', `Invalid configuration:\n  ${lines.join('\n  ')}`, 500, {
      variables: parsed.error.issues.map((i) => String(i.path[0])),
    });
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    blobDir: path.join(dataDir, 'blobs'),
    surreal: {
      url: e.SURREAL_URL ?? `surrealkv://${path.join(dataDir, 'db')}`,
      namespace: e.SURREAL_NAMESPACE,
      database: e.SURREAL_DATABASE,
      user: e.SURREAL_USER,
      pass: e.SURREAL_PASS,
    },
    http: { host: e.HOST, port: e.PORT, publicUrl: e.PUBLIC_URL?.replace(/\/$/, '') },
    logLevel: e.LOG_LEVEL,
    demoSeed: e.DEMO_SEED,
    vision: {
      faces: e.VISION_FACES === 'on',
      modelsDir: path.resolve(e.MODELS_DIR ?? path.join(dataDir, 'models')),
      clipModel: e.CLIP_MODEL === 'off' ? null : e.CLIP_MODEL,
      taxonomyFile: e.TAXONOMY_FILE ? path.resolve(e.TAXONOMY_FILE) : undefined,
      hubUrl: e.HF_ENDPOINT.replace(/\/$/, ''),
      caption: e.VISION_CAPTION,
      captionModel: e.OPENAI_VISION_MODEL,
    },
    limits: {
      maxPixels: Math.round(e.MAX_PIXELS_MP * 1e6),
      maxFileBytes: Math.round(e.MAX_FILE_MB * 2 ** 20),
    },
    urlFetch: {
      timeoutMs: e.URL_FETCH_TIMEOUT_MS,
      maxBytes: Math.round(e.URL_FETCH_MAX_MB * 2 ** 20),
      maxRedirects: e.URL_FETCH_MAX_REDIRECTS,
      allowHosts: e.URL_ALLOW_HOSTS,
    },
    llm: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      maxSteps: e.AGENT_MAX_STEPS,
      memoryTokens: e.AGENT_MEMORY_TOKENS,
    },
    mcp: {
      token: e.MCP_TOKEN,
      allowedHosts: e.MCP_ALLOWED_HOSTS,
      allowedOrigins: e.MCP_ALLOWED_ORIGINS,
      httpElicitation: e.MCP_HTTP_ELICITATION === 'on',
    },
    approvals: {
      ttlMs: e.APPROVAL_TTL_MINUTES * 60_000,
      approverToken: e.APPROVER_TOKEN,
      approvers: e.APPROVERS,
    },
    web: {
      authToken: e.WEB_AUTH_TOKEN,
      users: e.WEB_USERS.map((u) => {
        const i = u.indexOf(':');
        return { name: u.slice(0, i), token: u.slice(i + 1) };
      }),
      sessionTtlMs: Math.round(e.WEB_SESSION_HOURS * 3_600_000),
    },
    enrichOnStart: e.ENRICH_ON_START === 'auto',
    renditions: {
      redisUrl: e.REDIS_URL,
      queuePrefix: e.QUEUE_PREFIX,
      approvalAbove: e.RENDITIONS_APPROVAL_ABOVE,
      rippleApprovalAbove: e.RIPPLE_APPROVAL_ABOVE,
      lockMs: e.RENDITION_LOCK_MS,
      publicDelivery: e.DELIVERY_PUBLIC === 'true',
      outpaint: {
        provider: e.OUTPAINT_PROVIDER,
        model: e.OUTPAINT_MODEL,
        url: e.OUTPAINT_URL,
        apiKey: e.OPENAI_API_KEY,
        baseUrl: e.OPENAI_BASE_URL,
        prompt: e.OUTPAINT_PROMPT,
        timeoutMs: Math.round(e.OUTPAINT_TIMEOUT_S * 1000),
      },
      specsFile: e.RENDITION_SPECS_FILE ? path.resolve(e.RENDITION_SPECS_FILE) : undefined,
    },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      // The Web API client joins method names onto the base: it must end with a slash.
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      notifyChannel: e.SLACK_NOTIFY_CHANNEL,
    },
    performance: {
      token: e.PERFORMANCE_TOKEN,
      currency: e.CURRENCY,
      metaToken: e.META_ACCESS_TOKEN,
      metaGraphUrl: e.META_GRAPH_URL,
    },
  };
}

/** A config for tests: in-memory database, a temp data folder, quiet logs. */
export function testConfig(dataDir: string, overrides: Env = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir,
    SURREAL_URL: 'mem://',
    LOG_LEVEL: 'silent',
    DEMO_SEED: 'off',
    ...overrides,
  });
}
