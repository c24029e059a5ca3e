// The one composition root: concrete clients are created here and nowhere else.
import path from 'node:path';
import type { Surreal } from 'surrealdb';
import { Approvals } from '../agent/approvals.ts';
import { BulkChanges } from '../assets/bulk-change.ts';
import { NameResolver } from '../assets/resolve.ts';
import { Ripples } from '../graph/ripple.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { outpaintProvider } from '../renditions/outpaint.ts';
import { createRenditionQueue } from '../renditions/queue.ts';
import { RenditionService } from '../renditions/service.ts';
import { loadSpecs, type SpecCatalog } from '../renditions/specs.ts';
import { ClipSpace } from '../search/clip-space.ts';
import { TextIndex } from '../search/text-index.ts';
import { VectorIndex } from '../search/vector-index.ts';
import { ApprovalsRepository } from '../store/approvals.repository.ts';
import { AssetsRepository } from '../store/assets.repository.ts';
import { AuditRepository } from '../store/audit.repository.ts';
import { type BlobStore, FsBlobStore } from '../store/blob-store.ts';
import { CatalogRepository } from '../store/catalog.repository.ts';
import { connectStore } from '../store/connect.ts';
import { ConversationsRepository } from '../store/conversations.repository.ts';
import { EmbeddingsRepository } from '../store/embeddings.repository.ts';
import { GraphRepository } from '../store/graph.repository.ts';
import { LineageIndex } from '../store/lineage-index.ts';
import { ListingIndex } from '../store/listing-index.ts';
import { PerformanceRepository } from '../store/performance.repository.ts';
import { ProposalsRepository } from '../store/proposals.repository.ts';
import { RipplesRepository } from '../store/ripples.repository.ts';
import { SlackEventsRepository } from '../store/slack.repository.ts';
import { UploadsRepository } from '../store/uploads.repository.ts';
import { WebRepository } from '../store/web.repository.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { catalog as productCatalog } from '../tools/index.ts';
import { BUILTIN_DIMS, BUILTIN_MODEL, BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { Notices } from './notices.ts';
import { RECIPE_KINDS } from './recipe-kinds.ts';
import { UrlSigner } from './url-signer.ts';

/** Stable URLs for an asset's files, proposals and charts, as served by `curator serve`. */
export interface FileUrls {
  thumbnail(assetId: string): string;
  original(assetId: string): string;
  /** An approved budget proposal as CSV. */
  proposal(proposalId: string): string;
  /** A chart: `path` is "effects.svg?metric=ctr…" (web-chat/charts.routes.ts). */
  chart(path: string): string;
}

export function createFileUrls(config: Config): FileUrls {
  const base = config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`;
  return {
    thumbnail: (id) => `${base}/files/assets/${id}/thumb.webp`,
    original: (id) => `${base}/files/assets/${id}/original`,
    proposal: (id) => `${base}/api/proposals/${id}/budget.csv`,
    chart: (p) => `${base}/charts/${p}`,
  };
}

/** The domain services tools work with: everything but the database and the surfaces' state. */
export interface Services {
  config: Config;
  log: Logger;
  blobs: BlobStore;
  urls: FileUrls;
  assets: AssetsRepository;
  /** Changes to many assets in audited, resumable batches. */
  bulk: BulkChanges;
  /** Campaign, channel, locale and market names as people say them. */
  names: NameResolver;
  catalog: CatalogRepository;
  graph: GraphRepository;
  performance: PerformanceRepository;
  /** Budget proposals and the decisions people made on them. */
  proposals: ProposalsRepository;
  audit: AuditRepository;
  approvals: ApprovalsRepository;
  /** Every stored vector, per asset and provider (the source of truth for the kNN sidecar). */
  embeddings: EmbeddingsRepository;
  /** kNN over the builtin embeddings (a usearch sidecar under DATA_DIR/vectors/). */
  vectors: VectorIndex;
  /** CLIP (text and image in one space) and its own kNN sidecar, when a model is present. */
  clip: ClipSpace;
  /** Full-text BM25 over title, keywords, tags and description (an in-memory sidecar). */
  text: TextIndex;
  /** Images people uploaded to ask about (find-similar): never assets. */
  uploads: UploadsRepository;
  /** Things people should hear about unasked (a proposal awaiting a decision). */
  notices: Notices;
  /** The channel specs: the one source of channel sizes, safe zones and byte limits. */
  specs: SpecCatalog;
  /** Renditions: recipes, the queue (BullMQ with REDIS_URL, else in-process) and their records. */
  renditions: RenditionService;
  /** Re-making what derives from an asset that got a new version: planned, stored, resumable. */
  ripples: Ripples;
}

export interface Deps extends Services {
  db: Surreal;
  conversations: ConversationsRepository;
  /** The web chat's conversation owners and titles, and its browser sessions. */
  web: WebRepository;
  /** Slack event ids already answered (retries are answered once). */
  slackEvents: SlackEventsRepository;
  /** Signed, expiring file and chart URLs for services that fetch them without a session (Slack). */
  signer: UrlSigner;
  /** The tool catalog every surface serves, built by the caller and passed in. */
  tools: readonly AnyTool[];
  /** Pending actions for the catalog's tools: the one instance every surface uses. */
  approvalGate: Approvals;
  close(): Promise<void>;
}

export async function createDeps(
  config: Config,
  opts: {
    log?: Logger;
    blobs?: BlobStore;
    db?: Surreal;
    openTimeoutMs?: number;
    /** The catalog; `tools/index.ts` by default, the product's own list. */
    tools?: readonly AnyTool[];
  } = {},
): Promise<Deps> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? (await connectStore(config.surreal, { openTimeoutMs: opts.openTimeoutMs }));
  const { url, namespace, database } = config.surreal;
  const listing = new ListingIndex(db, {
    // Only an on-disk store outlives the process; a snapshot of mem:// would describe nothing.
    snapshotPath: url.startsWith('mem://')
      ? undefined
      : path.join(config.dataDir, 'index', `listing-${namespace}-${database}.json`),
    storeId: `${url}#${namespace}/${database}`,
    pollMs: /^(wss?|https?):\/\//.test(url) ? 0 : 1_000,
    log,
  });
  const lineage = new LineageIndex(db, {
    pollMs: /^(wss?|https?):\/\//.test(url) ? 0 : 1_000,
    log,
  });
  const catalog = new CatalogRepository(db, lineage);
  const embeddings = new EmbeddingsRepository(db);
  const assets = new AssetsRepository(db, listing);
  const vectors = new VectorIndex(embeddings, {
    provider: BUILTIN_PROVIDER,
    model: BUILTIN_MODEL,
    dims: BUILTIN_DIMS,
    dir: url.startsWith('mem://') ? undefined : path.join(config.dataDir, 'vectors'),
    pollMs: /^(wss?|https?):\/\//.test(url) ? 0 : 1_000,
    log,
  });
  const clip = new ClipSpace(embeddings, {
    modelsDir: config.vision.modelsDir,
    model: config.vision.clipModel,
    dir: url.startsWith('mem://') ? undefined : path.join(config.dataDir, 'vectors'),
    pollMs: /^(wss?|https?):\/\//.test(url) ? 0 : 1_000,
    log,
  });
  const blobs = opts.blobs ?? new FsBlobStore(config.blobDir);
  const specs = await loadSpecs(config.renditions.specsFile);
  const graph = new GraphRepository(db, lineage);
  const deps = {
    config,
    log,
    db,
    blobs,
    urls: createFileUrls(config),
    assets,
    bulk: new BulkChanges(db, listing),
    names: new NameResolver({
      catalog,
      locales: () => listing.locales(),
      markets: () => catalog.markets(),
    }),
    catalog,
    graph,
    performance: new PerformanceRepository(db),
    proposals: new ProposalsRepository(db),
    audit: new AuditRepository(db),
    conversations: new ConversationsRepository(db),
    web: new WebRepository(db),
    signer: UrlSigner.inDataDir(config.dataDir),
    slackEvents: new SlackEventsRepository(db),
    uploads: new UploadsRepository(db),
    notices: new Notices(log),
    specs,
    approvals: new ApprovalsRepository(db),
    embeddings,
    vectors,
    clip,
    text: new TextIndex(assets, { pollMs: /^(wss?|https?):\/\//.test(url) ? 0 : 1_000 }),
    tools: opts.tools ?? productCatalog,
    close: async () => {
      await deps.renditions
        .close()
        .catch((err) => log.warn({ err }, 'rendition queue did not close cleanly'));
      await listing
        .close()
        .catch((err) => log.warn({ err }, 'listing index did not close cleanly'));
      await vectors.close().catch((err) => log.warn({ err }, 'vector index did not close cleanly'));
      await clip.close().catch((err) => log.warn({ err }, 'CLIP index did not close cleanly'));
      await db.close();
    },
  } as Omit<Deps, 'approvalGate' | 'renditions' | 'ripples'> as Deps;
  const outpaint = outpaintProvider(config.renditions.outpaint);
  deps.renditions = new RenditionService({
    outpaint: outpaint
      ? { provider: outpaint.id, model: outpaint.model, prompt: config.renditions.outpaint.prompt }
      : undefined,
    assets,
    blobs,
    graph,
    specs,
    log,
    queue: createRenditionQueue({
      blobs,
      specs,
      limits: { maxPixels: config.limits.maxPixels },
      redisUrl: config.renditions.redisUrl,
      prefix: config.renditions.queuePrefix,
      // Without Redis the process runs the GPU lane's work too.
      outpaint,
      kinds: RECIPE_KINDS,
    }),
    ingest: (data, o) => ingestBuffer(deps, data, o),
  });
  deps.ripples = new Ripples(deps, new RipplesRepository(db));
  deps.approvalGate = new Approvals(deps, { tools: deps.tools });
  return deps;
}
