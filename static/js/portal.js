// Switch on GOV.UK Frontend's components (menu toggle, error summary focus, banners).
// Everything on the page already works without this; it only makes things smoother.
if (window.GOVUKFrontend && document.body.classList.contains("govuk-frontend-supported")) {
  window.GOVUKFrontend.initAll();
}

// A table wider than its box scrolls inside it (.portal-table-scroll). Such a box becomes a tab
// stop named after its table's caption, so a keyboard can scroll it in every browser; a box that
// fits (the screen grew) stops being one.
function portalMarkScrollingTables() {
  document.querySelectorAll(".portal-table-scroll").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}
portalMarkScrollingTables();
window.addEventListener("resize", portalMarkScrollingTables);
