/**
 * Errors of the HappyTalk simulator. None is retryable: each one means the
 * simulator was given something it cannot use.
 */

/** Base class of every simulator error. */
export class SimulatorError extends Error {
  /** Whether trying again could succeed; never for these errors. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorError';
  }
}

/** A room given to the simulator or to `generateRoom` is not usable. */
export class InvalidSimRoomError extends SimulatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidSimRoomError';
  }
}

/** A simulator option or environment variable is missing or out of range. */
export class SimulatorConfigError extends SimulatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorConfigError';
  }
}
