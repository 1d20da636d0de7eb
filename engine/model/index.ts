/**
 * Stage 1, model: YAML files in, the validated model out.
 *
 * Enters: PATH arguments or editor buffers (workspace-loader reads files safely through
 * file-access, splits `---` documents, keeps positions: source-document, yaml-positions).
 * Leaves: ValidatedDocument[] (schema-validation: JSON Schema with units converted) and the
 * Model (model.ts: sites, workloads, placements, scenarios, settings), with located
 * diagnostics for everything that could not be read.
 */
export * from './workspace-loader';
export * from './source-document';
export * from './schema-validation';
export * from './model';
export * from './units';
export * from './file-access';
export * from './limits';
export * from './resource-classes';
export * from './worker-scripts';
