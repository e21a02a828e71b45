import { z } from "zod";

/**
 * What a collection may be called, everywhere one is named (REST, WebSocket, CLI, configuration):
 * a name the CLI accepted but the API refused could be created and then never be asked or deleted.
 */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const COLLECTION_NAME_MAX_LENGTH = 128;
export const COLLECTION_NAME_RULE = "collection names use letters, digits, '_', '.', '-' and start with a letter or digit";

/** The rule as a schema for the CLI and the configuration (the HTTP schemas build theirs with zod v4 from the same parts). */
export const collectionNameSchema = z.string().min(1).max(COLLECTION_NAME_MAX_LENGTH).regex(COLLECTION_NAME_PATTERN, COLLECTION_NAME_RULE);
