// whatsapp-web.js depends on full puppeteer, whose install would download a browser.
// We use the system's Chrome/Chromium instead (see README), so never download one.
module.exports = { skipDownload: true };
