export {
  type AzureResult,
  azureCollectionKey,
  azureKey,
  azureResource,
  fromExport,
  isAzureExportObject,
} from './export.ts';
export { parentId, parseArmId, sameId } from './id.ts';
export {
  expandTemplates,
  type ParametersFile,
  pairedParameters,
  type TemplateInput,
  templateResources,
} from './template.ts';
export { canonicalType, isResourceType, KNOWN_TYPES, providerOf } from './types.ts';
