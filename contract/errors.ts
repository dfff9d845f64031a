/** Errors every part of the stack shares. */

/** A configuration value that is missing or out of range; the message names the setting and what it accepts. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
