/**
 * Stage 2, lint: the model in, diagnostics out.
 *
 * Enters: the Model and its documents. Leaves: Diagnostic[] with stable rule ids
 * (diagnostics.ts), one rule per file in rules/, and their text, JSON and SARIF forms
 * (diagnostic-format.ts); lint.ts is the Analysis the other stages start from.
 */
export * from './lint';
export * from './diagnostics';
export * from './diagnostic-format';
