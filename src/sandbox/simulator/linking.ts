import { randomBytes } from 'node:crypto';
import type { ControlServer, PageConn, RpcMessage } from './control-server.js';
import { randomHex } from './ids.js';
import type { DeviceRecord } from './types.js';

const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTVWXYZ123456789';

/** The phone's side of linked devices: QR codes shown by pages, pairing codes, links and unlinks. */
export class Linking {
  private readonly devices = new Map<string, { record: DeviceRecord; linked: boolean }>();
  private readonly expiredQrs = new Set<string>();

  constructor(
    private readonly control: ControlServer,
    private readonly account: Omit<DeviceRecord, 'deviceId'>,
  ) {}

  linkedPages(): PageConn[] {
    return this.control.livePages().filter((p) => p.deviceId && this.devices.get(p.deviceId)?.linked);
  }

  unpairedPage(pred: (p: PageConn) => boolean): PageConn | undefined {
    return this.control.livePages().find((p) => !p.deviceId && pred(p));
  }

  describePages(): string {
    const live = this.control.livePages();
    const showingQr = live.filter((p) => p.qr && !p.deviceId).length;
    return `${live.length} connected page(s): ${this.linkedPages().length} linked, ${showingQr} showing a QR`;
  }

  async currentQr(): Promise<string> {
    const page = await this.control.until(() => this.unpairedPage((p) => !!p.qr), 'a page showing a QR code');
    return page.qr as string;
  }

  async rotateQr(): Promise<string> {
    const page = await this.control.until(() => this.unpairedPage((p) => !!p.qr), 'a page showing a QR code');
    const { qr } = await this.control.command(page, { type: 'rotateQr' });
    return qr as string;
  }

  async scanQr(qr?: string): Promise<void> {
    const wanted = qr ?? (await this.currentQr());
    const page = await this.control.until(() => {
      if (this.expiredQrs.has(wanted)) throw new Error('QR code expired (no longer shown by any page)');
      return this.unpairedPage((p) => p.qr === wanted);
    }, 'a page showing that QR code');
    await this.link(page);
  }

  async pairingCode(): Promise<string> {
    const page = await this.control.until(() => this.unpairedPage((p) => !!p.pairing), 'a pairing code request');
    return page.pairing!.code;
  }

  async enterPairingCode(code: string): Promise<void> {
    const norm = code.replace(/[^0-9a-z]/gi, '').toUpperCase();
    const page = this.unpairedPage((p) => p.pairing?.code === norm);
    if (!page) throw new Error(`Pairing code ${code} refused`);
    await this.link(page);
  }

  linkedDevices(): number {
    return [...this.devices.values()].filter((d) => d.linked).length;
  }

  async unlink(): Promise<void> {
    const acks: Promise<unknown>[] = [];
    for (const dev of this.devices.values()) {
      if (!dev.linked) continue;
      dev.linked = false;
      for (const page of this.control.livePages()) {
        if (page.deviceId !== dev.record.deviceId) continue;
        page.deviceId = undefined;
        acks.push(this.control.command(page, { type: 'unlink' }));
      }
    }
    await Promise.all(acks);
    this.control.changed();
  }

  /** The page requests of linking: hello (restore a device), qr, pairing, logout; undefined for any other. */
  rpc(msg: RpcMessage, page: PageConn): unknown {
    switch (msg.op) {
      case 'hello': {
        const dev = msg.deviceId ? this.devices.get(msg.deviceId) : undefined;
        if (dev?.linked) {
          page.deviceId = dev.record.deviceId;
          return { linked: true, deviceRecord: dev.record };
        }
        page.deviceId = undefined;
        return { linked: false };
      }
      case 'qr':
        if (page.qr) this.expiredQrs.add(page.qr);
        page.qr = msg.qr;
        return {};
      case 'pairing': {
        const code = Array.from(randomBytes(8), (b) => PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]).join('');
        page.pairing = { code, phoneNumber: String(msg.phoneNumber) };
        return { code };
      }
      case 'logout': {
        const dev = msg.deviceId ? this.devices.get(msg.deviceId) : undefined;
        if (dev) dev.linked = false;
        page.deviceId = undefined;
        return {};
      }
      default:
        return undefined;
    }
  }

  private async link(page: PageConn): Promise<void> {
    const record: DeviceRecord = { deviceId: randomHex(8), ...this.account };
    this.devices.set(record.deviceId, { record, linked: true });
    page.deviceId = record.deviceId;
    if (page.qr) this.expiredQrs.add(page.qr);
    page.qr = undefined;
    page.pairing = undefined;
    await this.control.command(page, { type: 'link', deviceRecord: record });
    this.control.changed();
  }
}
