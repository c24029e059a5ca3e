// Asset resources: `asset://{id}` is the compact metadata (the get-asset view) plus the thumbnail as
// an image; `asset://{id}/thumb.webp` is the thumbnail alone. Both read through the same store
// calls the tools use, so a resource never shows more than a tool would.
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { Deps } from '../core/deps.ts';
import { isAppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import { invokeTool, type ToolContext } from '../tools/define-tool.ts';
import { getAsset } from '../tools/get-asset.ts';

/** resources/list shows the newest assets only: a library of 10k must not flood the client. */
export const LISTED_ASSETS = 50;

const assetUri = (id: string) => `asset://${id}`;
const thumbUri = (id: string) => `asset://${id}/thumb.webp`;

function variable(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v[0] : v;
  try {
    return parseKey('asset', decodeURIComponent(s ?? ''));
  } catch (e) {
    throw new McpError(ErrorCode.InvalidParams, isAppError(e) ? e.message : 'not a valid asset id');
  }
}

async function readThumbnail(
  deps: Deps,
  id: string,
): Promise<{ key: string; base64: string } | null> {
  const asset = await deps.assets.get(id);
  if (!asset.thumbKey) return null;
  const data = await deps.blobs.get(asset.thumbKey);
  return { key: asset.thumbKey, base64: data.toString('base64') };
}

/** Store failures become JSON-RPC errors with the AppError text; anything else is logged. */
async function guarded<T>(deps: Deps, uri: URL, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof McpError) throw e;
    if (isAppError(e)) throw new McpError(ErrorCode.InvalidParams, `${uri.href}: ${e.message}`);
    deps.log.error({ err: e, uri: uri.href }, 'mcp: resource read failed');
    throw new McpError(
      ErrorCode.InternalError,
      `${uri.href}: internal error; the details are in the server log`,
    );
  }
}

export function registerAssetResources(mcp: McpServer, deps: Deps, ctx: () => ToolContext): void {
  mcp.registerResource(
    'asset',
    new ResourceTemplate('asset://{id}', {
      list: async () => {
        const page = await deps.assets.list({}, { limit: LISTED_ASSETS });
        return {
          resources: page.items.map((a) => ({
            uri: assetUri(a.id),
            name: a.id,
            title: a.title,
            mimeType: 'application/json',
          })),
        };
      },
    }),
    {
      title: 'Asset',
      description:
        'One asset: its metadata as JSON (title, status, palette, tags, lineage, placements) plus its thumbnail as a WebP image.',
      mimeType: 'application/json',
    },
    (uri, vars) =>
      guarded(deps, uri, async (): Promise<ReadResourceResult> => {
        const id = variable(vars.id);
        const meta = await invokeTool(getAsset, { assetId: id }, deps, ctx());
        const thumb = await readThumbnail(deps, id);
        return {
          contents: [
            { uri: assetUri(id), mimeType: 'application/json', text: JSON.stringify(meta) },
            ...(thumb ? [{ uri: thumbUri(id), mimeType: 'image/webp', blob: thumb.base64 }] : []),
          ],
        };
      }),
  );

  mcp.registerResource(
    'asset-thumbnail',
    new ResourceTemplate('asset://{id}/thumb.webp', { list: undefined }),
    {
      title: 'Asset thumbnail',
      description: 'The WebP thumbnail of one asset.',
      mimeType: 'image/webp',
    },
    (uri, vars) =>
      guarded(deps, uri, async (): Promise<ReadResourceResult> => {
        const id = variable(vars.id);
        const thumb = await readThumbnail(deps, id);
        if (!thumb)
          throw new McpError(
            ErrorCode.InvalidParams,
            `${uri.href}: asset ${id} has no thumbnail yet`,
          );
        return { contents: [{ uri: thumbUri(id), mimeType: 'image/webp', blob: thumb.base64 }] };
      }),
  );
}
