"use strict";
// Upload progress and live pipeline status, on top of forms that work without this script.
(function () {
  const LABELS = {
    received: "Received", rendered: "Pages rendered", ocr_done: "Text read (OCR)", classified: "Classified",
    extracted: "Details extracted", matched: "Matched to a patient", indexed: "Indexed", failed: "Failed",
    destroyed: "Destroyed",
  };
  const TERMINAL = new Set(["indexed", "failed", "destroyed"]);
  const POLL_MS = 1000;
  const GIVE_UP_MS = 15 * 60 * 1000;

  function element(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  }

  // Calls onBody with each answer of GET url until it returns true.
  function poll(url, onBody) {
    const started = Date.now();
    async function tick() {
      try {
        const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
        if (response.ok && onBody(await response.json())) return;
      } catch (err) {
        // A dropped connection: try again on the next tick.
      }
      if (Date.now() - started < GIVE_UP_MS) setTimeout(tick, POLL_MS);
    }
    tick();
  }

  function showHistory(list, body) {
    list.replaceChildren(...body.history.map((t) => {
      const at = new Date(t.at).toLocaleTimeString();
      const item = element("li", `${LABELS[t.state] || t.state} (${at})${t.reason ? ": " + t.reason : ""}`);
      if (t.state === "failed") item.className = "failed";
      return item;
    }));
  }

  function setupUpload(form) {
    const section = document.getElementById("progress");
    const bar = document.getElementById("upload-bar");
    const message = document.getElementById("upload-message");
    const pipeline = document.getElementById("pipeline");
    const done = document.getElementById("upload-done");

    function setBar(percent) {
      bar.value = percent;
      bar.textContent = `${percent}%`;
    }

    function finish(body) {
      const viewer = `/ui/documents/${encodeURIComponent(body.id)}`;
      message.textContent = body.status === "indexed" ? "Done: the document is indexed and searchable."
        : `The document could not be processed: ${body.failure_reason || body.status}.`;
      const link = element("a", "Open the document", { href: viewer, id: "open-document" });
      done.replaceChildren(link);
      (body.children || []).forEach((child, i) => {
        done.append(" · ", element("a", `Document ${i + 1} of the batch`, { href: `/ui/documents/${child.id}` }));
      });
    }

    form.addEventListener("submit", (event) => {
      const file = form.elements.file.files[0];
      if (!file) return;
      event.preventDefault();
      section.hidden = false;
      setBar(0);
      pipeline.replaceChildren();
      done.replaceChildren();
      message.textContent = "Sending the file…";
      const data = new FormData();
      data.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.api);
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) setBar(Math.round((e.loaded * 100) / e.total));
      });
      xhr.addEventListener("load", () => {
        const body = xhr.response || {};
        if (xhr.status !== 200 && xhr.status !== 202) {
          message.textContent = `The file was not accepted: ${body.detail || xhr.statusText || xhr.status}`;
          return;
        }
        setBar(100);
        message.textContent = body.duplicate ? "This file was received before; showing that document."
          : "Received. Processing…";
        poll(body.links.self, (doc) => {
          showHistory(pipeline, doc);
          if (!TERMINAL.has(doc.status)) return false;
          finish(doc);
          return true;
        });
      });
      xhr.addEventListener("error", () => {
        message.textContent = "The upload failed: the connection was lost. Try again.";
      });
      xhr.send(data);
    });
  }

  // A document still being processed: follow its history, and show the finished page when done.
  function setupPending(history) {
    poll(history.dataset.poll, (doc) => {
      showHistory(history, doc);
      if (!TERMINAL.has(doc.status)) return false;
      window.location.reload();
      return true;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("upload");
    if (form && form.dataset.api) setupUpload(form);
    const history = document.getElementById("history");
    if (history && history.dataset.poll) setupPending(history);
  });
})();
