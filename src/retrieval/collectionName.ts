/**
 * What a collection may be called, everywhere one is named (REST, WebSocket, CLI, configuration):
 * a name the CLI accepted but the API refused could be created and then never be asked or deleted.
 */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const COLLECTION_NAME_MAX_LENGTH = 128;
export const COLLECTION_NAME_RULE = "collection names use letters, digits, '_', '.', '-' and start with a letter or digit";

export function isCollectionName(name: string): boolean {
  return name.length <= COLLECTION_NAME_MAX_LENGTH && COLLECTION_NAME_PATTERN.test(name);
}
