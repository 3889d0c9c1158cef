// The group registry: group names <-> numeric ids, persisted in <dataDir>/groups.log
// (group-registry.ts) or held in memory (memory-group-registry.ts), and the name check
// both run before assigning an id. The naming rule itself is the protocol's
// (codec/group-name.ts).

export { GroupRegistry, GROUPS_FILE_NAME } from './group-registry.js'
export type { GroupRegistryOptions, GroupRegistryRecovery } from './group-registry.js'
export { MemoryGroupRegistry } from './memory-group-registry.js'
export { validateGroupName } from './validate-group-name.js'
export { GroupNameError, GroupRegistryCorruptError, GroupRegistryFullError } from '../journal/errors.js'
