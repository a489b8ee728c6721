// "Kopieer" buttons beside read-only fields (the calendar feed address). Without a
// clipboard (old browser, page not on https or localhost) the button stays hidden and
// the field can be selected and copied by hand.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  if (!navigator.clipboard) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied;
    } catch {
      field.select();
      status.textContent = button.dataset.failed;
    }
  });
});
