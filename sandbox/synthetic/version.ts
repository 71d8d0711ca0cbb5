// Bump when any generator's output changes for the same seed: the same seed *and*
// version give byte-identical data, and exports record both.
export const WORLD_VERSION = 1
