export { EventBus, type BusEvent } from './event-bus.js';
