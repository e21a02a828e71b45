export { openLore, type LoreRuntime, type OpenLoreOptions, type RuntimeProgress } from "./openLore.js";
export { serviceDepsOf, type ServedRuntime } from "./serviceDeps.js";
