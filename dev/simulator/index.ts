/**
 * A local HappyTalk `chat_data` and `chat_room_lists` simulator for the local stack and integration
 * tests: sample and generated rooms, PHP-style JSON, injectable faults.
 */
export { DEFAULT_SIMULATOR_PORT, simulatorOptionsFromEnv } from './config.js';
export { InvalidSimRoomError, SimulatorConfigError, SimulatorError } from './errors.js';
export {
  ALL_ROOMS,
  type SimulatorFault,
  type SimulatorFaultKind,
  SimulatorFaultSchema,
} from './faults.js';
export { type GenerateRoomOptions, generateRoom, makeRoomId, type TemplateFormat } from './generate-room.js';
export { type GenerateHistoryOptions, generateHistory, TEMPLATE_V2_DEADLINE } from './history.js';
export {
  IMAGE_PATH_PREFIX,
  type ImageFault,
  ImageFaultSchema,
  type RecordedImageRequest,
  rehostImages,
  SAMPLE_IMAGE_ORIGIN,
  type SimulatorImage,
  simulatorImage,
} from './images.js';
export {
  finishRoom,
  type GenerateLiveRoomsOptions,
  generateLiveRooms,
  type LiveRoomPlan,
  openLiveRoom,
  seoulDatetime,
} from './live.js';
export { encodePhpJson } from './php-json.js';
export type { QueryWindow, RecordedRoomListRequest } from './room-list.js';
export {
  DOCUMENTED_CHAT_FIELDS,
  DOCUMENTED_MESSAGE_FIELDS,
  DOCUMENTED_V2_TEMPLATE,
  OPEN_ROOM_COMPLATE_DATE,
  OPEN_ROOM_STATUSES,
  type SimRoom,
  simRoomId,
} from './room-records.js';
export { SAMPLE_ROOM_IDS, type SampleRoomName, sampleRooms } from './sample-rooms.js';
export {
  CONTROL_FAULTS_PATH,
  CONTROL_ROOMS_PATH,
  controlCompletePath,
  type RecordedRequest,
  ROOM_LIST_FAULT_KEY,
  type Simulator,
  type SimulatorEncoding,
  type SimulatorOptions,
  startSimulator,
} from './server.js';
