import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';

export interface QrAnswer {
  has_qr: boolean;
  /** The raw QR string, for clients that render it themselves. */
  qr: string | null;
  /** The QR as a 360x360 PNG data URL. */
  data_url: string | null;
}

const NO_QR = 'No QR is available yet. Start auth, then refresh this page.';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

@Injectable()
export class QrService {
  constructor(private readonly whatsapp: WhatsAppService) {}

  async qr(): Promise<QrAnswer> {
    const qr = this.whatsapp.session().qr;
    const dataUrl = qr ? await QRCode.toDataURL(qr, { type: 'image/png', width: 360, margin: 2 }) : null;
    return { has_qr: qr !== null, qr, data_url: dataUrl };
  }

  /** The contract's self-contained page: the QR (or why there is none), the state, a 5 s refresh. */
  async page(): Promise<string> {
    const { data_url: dataUrl } = await this.qr();
    const state = escapeHtml(this.whatsapp.session().currentState);
    const body = dataUrl
      ? `<img src="${dataUrl}" width="360" height="360" alt="WhatsApp QR code">`
      : `<p>${NO_QR}</p>`;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp MCP API - link a device</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;text-align:center}img{image-rendering:pixelated}</style>
</head>
<body>
<h1>Link WhatsApp</h1>
<p>State: <strong id="state">${state}</strong></p>
${body}
<p>On your phone: Settings &rarr; Linked devices &rarr; Link a device</p>
</body>
</html>
`;
  }
}
