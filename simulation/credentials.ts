/** Credentials for calls to the stand-ins: they check that a call is signed, not by whom. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDSIMULATION', secretAccessKey: 'simulation' };
