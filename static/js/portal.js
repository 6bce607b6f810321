// Switch on GOV.UK Frontend's components (menu toggle, error summary focus, banners).
// Everything on the page already works without this; it only makes things smoother.
if (window.GOVUKFrontend && document.body.classList.contains("govuk-frontend-supported")) {
  window.GOVUKFrontend.initAll();
}
