import * as v from 'valibot';
import { BackendSchema, EngineDtypeSchema } from '../model-fit';
import { HubBaseUrlSchema } from '../settings';

/**
 * Commands of the weight store: list models, plan and run a download (with the user's consent for its size),
 * pause (chunks stay), delete, re-verify, and add a custom hub model. Only UI pages reach
 * these (the command table is served to UI ports alone), so a page or content script can never start a download.
 */

const ModelId = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
/** Options pages read the hub setting and pass it; the host checks it (https, or http to this computer). */
const HubBaseUrl = HubBaseUrlSchema;
const Bytes = v.pipe(v.number(), v.integer(), v.minValue(0));
/** How long a silent connection is given before it is retried (tuning, bounded). */
const StallTimeoutMs = v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(120_000));

export const ModelSummarySchema = v.object({
  id: v.string(),
  label: v.string(),
  source: v.picklist(['hub', 'local']),
  repo: v.optional(v.string()),
  revision: v.optional(v.string()),
  /** The commit the stored files come from, once a download has started. */
  commit: v.optional(v.string()),
  dtype: v.string(),
  backend: BackendSchema,
  /** `safetensors`: converted here from the published checkpoint; `onnx`: downloaded as exported. */
  format: v.picklist(['safetensors', 'onnx']),
  custom: v.boolean(),
  /**
   * `absent`: nothing stored; `partial`: some files stored, not usable; `verified`: every checksum matched;
   * `broken`: its record cannot be read (a disk gone bad): it can only be deleted.
   */
  state: v.picklist(['absent', 'partial', 'verified', 'broken']),
  /** Exact once listed from the hub, the published size before. */
  sizeBytes: Bytes,
  storedBytes: Bytes,
  /** Set while this host is downloading the model now. */
  downloading: v.boolean(),
  /** For a model converted here: what it was made from, by what, and into what. */
  provenance: v.optional(
    v.object({
      /**
       * Each source file with the checksum the hub published for it (SHA-256 for large files, the git blob id for
       * small ones); from a folder, the SHA-256 computed as it was read (`verified` once it was read whole).
       */
      sources: v.array(v.object({ path: v.string(), algorithm: v.picklist(['sha256', 'git-sha1']), hex: v.string(), verified: v.boolean() })),
      /** The folder on this computer it was converted from; absent for a checkpoint from the hub. */
      folder: v.optional(v.string()),
      convertedBy: v.string(),
      startedAt: v.number(),
      finishedAt: v.optional(v.number()),
      exportTarget: v.string(),
    }),
  ),
});
export type ModelSummary = v.InferOutput<typeof ModelSummarySchema>;

const SpaceSchema = v.object({ usageBytes: Bytes, quotaBytes: Bytes, availableBytes: Bytes });

const DownloadPlanSchema = v.object({
  ...SpaceSchema.entries,
  commit: v.optional(v.string()),
  /** Bytes fetched in all. */
  totalBytes: Bytes,
  /** Bytes the model takes once stored: for a checkpoint converted here, the graph made for this device. */
  occupiesBytes: Bytes,
  storedBytes: Bytes,
  remainingBytes: Bytes,
  /** The graph that will be stored. */
  backend: BackendSchema,
  dtype: v.string(),
  /** Where the files come from: shown on the consent screen, with the commit. */
  hubBaseUrl: v.string(),
  fits: v.boolean(),
});
export type DownloadPlanResult = v.InferOutput<typeof DownloadPlanSchema>;

const ProgressFiguresSchema = v.object({
  bytes: Bytes,
  totalBytes: Bytes,
  rateBps: v.number(),
  etaSeconds: v.optional(v.number()),
});

export const DownloadEventSchema = v.variant('type', [
  v.object({
    type: v.literal('progress'),
    overall: ProgressFiguresSchema,
    file: v.object({ path: v.string(), bytes: Bytes, size: Bytes }),
  }),
  v.object({ type: v.literal('retrying'), path: v.string(), reason: v.string(), failures: v.number(), waitMs: v.number() }),
  v.object({ type: v.literal('discarded'), path: v.string(), reason: v.picklist(['checksum', 'changed']), bytes: Bytes }),
]);
export type DownloadEvent = v.InferOutput<typeof DownloadEventSchema>;

const DownloadResultSchema = v.variant('status', [
  v.object({ status: v.literal('verified'), commit: v.optional(v.string()), totalBytes: Bytes, fetchedBytes: Bytes }),
  v.object({
    status: v.literal('quota-exceeded'),
    ...SpaceSchema.entries,
    neededBytes: Bytes,
    otherModels: v.array(v.object({ id: v.string(), label: v.string(), bytes: Bytes })),
  }),
]);
export type DownloadResult = v.InferOutput<typeof DownloadResultSchema>;

export const storeCommands = {
  'store.list-models': {
    payload: v.object({}),
    result: v.object({ models: v.array(ModelSummarySchema), ...SpaceSchema.entries }),
    event: v.never(),
  },
  /** Lists the model's files at its pinned commit and compares their size with the free space: the consent screen. */
  'store.plan-download': {
    payload: v.object({
      modelId: ModelId,
      hubBaseUrl: v.optional(HubBaseUrl),
      /** A checkpoint converted for this backend (and graph) rather than the one this device runs best. */
      backend: v.optional(BackendSchema),
      dtype: v.optional(v.pipe(v.string(), v.maxLength(20))),
      stallTimeoutMs: v.optional(StallTimeoutMs),
    }),
    result: DownloadPlanSchema,
    event: v.never(),
  },
  /**
   * Downloads (or resumes) a model, or joins its download when one runs. The download belongs to the engine host:
   * cancelling this call (closing the page) only stops watching it; `store.pause-download` pauses it.
   */
  'store.download': {
    payload: v.object({
      modelId: ModelId,
      hubBaseUrl: v.optional(HubBaseUrl),
      /**
       * The sizes the user agreed to on the consent screen: the download (must cover the whole model) and, for a
       * checkpoint converted here, what it occupies once converted (a conversion that would store more is refused).
       */
      consent: v.object({ approvedBytes: Bytes, approvedStoredBytes: v.optional(Bytes) }),
      backend: v.optional(BackendSchema),
      dtype: v.optional(v.pipe(v.string(), v.maxLength(20))),
      /** Tuning, bounded: chunk size and how long a silent connection is given before it is retried. */
      chunkBytes: v.optional(v.pipe(Bytes, v.minValue(64 * 1024), v.maxValue(64 * 1024 * 1024))),
      stallTimeoutMs: v.optional(StallTimeoutMs),
    }),
    result: DownloadResultSchema,
    event: DownloadEventSchema,
  },
  /** Pauses a running download or conversion where it is: what it stored stays for the next download call. */
  'store.pause-download': {
    payload: v.object({ modelId: ModelId }),
    result: v.object({ paused: v.boolean() }),
    event: v.never(),
  },
  /**
   * The graphs a checkpoint in a folder on this computer can be converted to here, best first, as the fit rules
   * judge this device (refused in words when none runs). The options page converts a picked folder itself, since a
   * picked File cannot cross a port; the engine host, which probes the hardware, says what to convert it to.
   */
  'store.conversion-targets': {
    payload: v.object({ folderName: v.pipe(v.string(), v.minLength(1), v.maxLength(300)) }),
    result: v.object({ targets: v.array(v.object({ backend: BackendSchema, dtype: EngineDtypeSchema })) }),
    event: v.never(),
  },
  /** Deletes a model's files (and its entry, for a custom model); cancels its download first. */
  'store.delete-model': {
    payload: v.object({ modelId: ModelId, forgetEntry: v.optional(v.boolean()) }),
    result: v.object({ freedBytes: Bytes }),
    event: v.never(),
  },
  /** Hashes every stored file again; files that fail are discarded and the model is no longer usable. */
  'store.verify-model': {
    payload: v.object({ modelId: ModelId }),
    result: v.object({ verified: v.boolean(), badFiles: v.array(v.string()), missingFiles: v.array(v.string()), convertAgain: v.optional(v.boolean()) }),
    event: v.object({ type: v.literal('progress'), bytes: Bytes, totalBytes: Bytes }),
  },
  /**
   * Adds a hub repository: an LFM2 checkpoint (safetensors, converted here into the graph this device runs best)
   * or an ONNX export in the transformers.js layout (one graph, downloaded as it is).
   */
  /**
   * Planned as a download would be before it is listed (nothing fetched beyond the plan's small reads): `baseUrl` is
   * the model's own mirror, `hubBaseUrl` the settings' hub the plan asks when it has none.
   */
  'store.add-custom-model': {
    payload: v.variant('format', [
      v.object({ format: v.literal('safetensors'), repo: v.pipe(v.string(), v.maxLength(200)), revision: v.pipe(v.string(), v.maxLength(200)), baseUrl: v.optional(HubBaseUrl), hubBaseUrl: v.optional(HubBaseUrl) }),
      v.object({
        format: v.literal('onnx'),
        repo: v.pipe(v.string(), v.maxLength(200)),
        revision: v.pipe(v.string(), v.maxLength(200)),
        dtype: v.pipe(v.string(), v.maxLength(20)),
        backend: BackendSchema,
        baseUrl: v.optional(HubBaseUrl),
        hubBaseUrl: v.optional(HubBaseUrl),
      }),
    ]),
    result: ModelSummarySchema,
    event: v.never(),
  },
} as const;
