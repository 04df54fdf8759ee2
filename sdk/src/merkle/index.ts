export {
  BATCH_LEAF_ENCODING,
  MAX_BATCH_ORDERS,
  MAX_ORDER_ID,
  buildBatch,
  validateFirstOrderId,
  type BatchLeaf,
  type BatchMultiProof,
  type BatchOrderInput,
  type MerkleBatch,
} from "./batch.js";
export {
  BATCH_FILE_VERSION,
  batchFileChunks,
  exportBatchFile,
  importBatchFile,
  type BatchFile,
  type BatchFileEntry,
  type BatchFileExpectations,
  type BatchFileMeta,
  type ImportedBatch,
} from "./file.js";
export {
  hashBatchLeaf,
  hashPair,
  processMultiProof,
  processProof,
  verifyBatchMultiProof,
  verifyBatchProof,
  type BatchLeafInput,
  type BatchMultiProofInput,
} from "./verify.js";
