// Loaded straight after <body> opens, so GOV.UK Frontend's enhanced styles apply before the first paint.
// Pages work without it: it only switches on the parts that need JavaScript.
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
