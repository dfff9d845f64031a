/** User-agent parsing with ua-parser-js, a bot check with isbot, and an LRU cache in front of both. */
import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';
import { DEVICE_TYPES, LIMITS, type Device, type DeviceType } from '../contract';

const KNOWN_TYPES = new Set<string>(DEVICE_TYPES);

/** Parses user agents; repeated agents (most traffic) are answered from the cache. */
export class UserAgentParser {
  private readonly cache: LRUCache<string, Device>;

  constructor(cacheSize = 1000) {
    this.cache = new LRUCache({ max: cacheSize });
  }

  /** The device fields of the contract for one user agent string. */
  parse(userAgent: string | undefined): Device | undefined {
    if (!userAgent) return undefined;
    const ua = userAgent.slice(0, LIMITS.userAgent);
    let device = this.cache.get(ua);
    if (!device) {
      device = parseUncached(ua);
      this.cache.set(ua, device);
    }
    return device;
  }
}

function parseUncached(ua: string): Device {
  const result = new UAParser(ua).getResult();
  const bot = isbot(ua);
  const parsedType = result.device.type;
  const type: DeviceType = bot ? 'bot' : parsedType && KNOWN_TYPES.has(parsedType) ? (parsedType as DeviceType) : 'desktop';
  const device: Device = { userAgent: ua, type, isBot: bot };
  if (result.browser.name) device.browser = result.browser.name.slice(0, LIMITS.short);
  if (result.browser.version) device.browserVersion = result.browser.version.slice(0, LIMITS.short);
  if (result.os.name) device.os = result.os.name.slice(0, LIMITS.short);
  if (result.os.version) device.osVersion = result.os.version.slice(0, LIMITS.short);
  return device;
}
