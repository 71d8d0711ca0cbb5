/** A mistake in how a command was called: exit status 2 with the message. */
export class UsageError extends Error {}
