// Slipway's nodejs sample app: Node's http module on $PORT, showing
// APP_MESSAGE escaped with escape-html (its one npm dependency).
"use strict";

const http = require("http");
const escapeHtml = require("escape-html");
const { version } = require("./package.json");

const port = Number(process.env.PORT);

http
  .createServer((request, response) => {
    const body = [
      "<pre>",
      "hello from node (Slipway nodejs sample)",
      `message: ${escapeHtml(process.env.APP_MESSAGE || "")}`,
      `version: ${version}`,
      `node: ${process.version}`,
      "</pre>",
      "",
    ].join("\n");
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(body);
  })
  .listen(port, () => console.log(`listening on ${port}`));
