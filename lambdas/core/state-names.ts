// Names of states the pipeline definition generates that code outside the flow recognises: the
// alert reads a run's history, and a state whose name starts with RECORD_FAILURE_STATE follows the
// main-line failure that a pipeline with triggered steps caught.
export const RECORD_FAILURE_STATE = 'Record failure';
