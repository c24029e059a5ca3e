// The tool catalog: every surface (agent, MCP, web chat, Slack) serves exactly this list.

import { assetHistory } from './asset-history.ts';
import { chartPerformance } from './chart-performance.ts';
import { checkBrand } from './check-brand.ts';
import { decideProposal } from './decide-proposal.ts';
import type { AnyTool } from './define-tool.ts';
import { deleteAsset } from './delete-asset.ts';
import { describeAsset } from './describe-asset.ts';
import { explainPerformance } from './explain-performance.ts';
import { findDuplicates } from './find-duplicates.ts';
import { findSimilar } from './find-similar.ts';
import { getAsset } from './get-asset.ts';
import { impactOfChange } from './impact-of-change.ts';
import { listAssets } from './list-assets.ts';
import { listChannelSpecs } from './list-channel-specs.ts';
import { recommendBudget } from './recommend-budget.ts';
import { renditionStatus } from './rendition-status.ts';
import { requestRenditions } from './request-renditions.ts';
import { rippleStatus } from './ripple-status.ts';
import { searchAssets } from './search-assets.ts';
import { setAssetStatus } from './set-asset-status.ts';
import { startRipple } from './start-ripple.ts';
import { topPerformers } from './top-performers.ts';
import { traceLineage } from './trace-lineage.ts';
import { undoAction } from './undo-action.ts';
import { updateAssetMetadata } from './update-asset-metadata.ts';
import { updateAssetVersion } from './update-asset-version.ts';
import { whereUsed } from './where-used.ts';

export const catalog: readonly AnyTool[] = [
  listAssets,
  searchAssets,
  getAsset,
  traceLineage,
  whereUsed,
  impactOfChange,
  findSimilar,
  findDuplicates,
  describeAsset,
  topPerformers,
  explainPerformance,
  chartPerformance,
  recommendBudget,
  decideProposal,
  setAssetStatus,
  updateAssetMetadata,
  assetHistory,
  undoAction,
  listChannelSpecs,
  requestRenditions,
  renditionStatus,
  updateAssetVersion,
  rippleStatus,
  startRipple,
  deleteAsset,
  checkBrand,
];

export function findTool(name: string): AnyTool | undefined {
  return catalog.find((t) => t.name === name);
}
