// Small enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Ask before disabling an account or resetting a password.
  document.querySelectorAll('form[action$="/active"], form[action$="/password"]').forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("确定要执行此操作吗？")) e.preventDefault();
    });
  });
});

// Uploads with a progress bar: forms marked data-progress="ID" are sent with
// XMLHttpRequest so the upload can be shown; then the server's page replaces
// this one. Without JavaScript the form posts normally.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.XMLHttpRequest || !window.FormData) return;
      e.preventDefault();
      var box = document.getElementById(form.getAttribute("data-progress"));
      var bar = box.querySelector("progress");
      var label = box.querySelector("span");
      box.hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) {
          bar.value = Math.round((ev.loaded / ev.total) * 100);
          label.textContent = "正在上传… " + bar.value + "%";
        }
      };
      xhr.upload.onload = function () {
        bar.removeAttribute("value");
        label.textContent = "上传完成，正在逐行校验并写入…";
      };
      xhr.onload = function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () {
        label.textContent = "上传失败，请检查网络后重试";
        form.querySelector("button[type=submit]").disabled = false;
      };
      xhr.send(new FormData(form));
    });
  });
});

// Print buttons (no inline handlers: the page's CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
});

// The inbox badge: one small request per page instead of every page
// computing the inbox on the server.
document.addEventListener("DOMContentLoaded", function () {
  var badge = document.getElementById("inbox-count");
  if (!badge || !window.fetch) return;
  fetch("/api/v1/notifications/count", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (c) {
      if (!c || !c.total) return;
      badge.textContent = c.total > 99 ? "99+" : String(c.total);
      badge.title = c.total + " 项待办" + (c.new ? "，其中 " + c.new + " 项新" : "");
      if (c.new) badge.className = "badge new";
      badge.hidden = false;
    })
    .catch(function () {});
});

// The navigation's section menus: one open at a time, closed by a click elsewhere.
document.addEventListener('click', function (ev) {
  document.querySelectorAll('header nav details.menu[open]').forEach(function (d) {
    if (!d.contains(ev.target)) d.removeAttribute('open');
  });
});
