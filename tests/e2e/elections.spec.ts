import { DEMO, checkA11y, expect, expectNoHorizontalScroll, signIn, test, uniqueSuffix } from "./fixtures";

// Issue 17, part 5: on a phone, an organiser pastes a small results CSV with a mistake,
// is told which line and that nothing was stored, fixes it, and reads each seat's swing
// against its region beside the comparison and its non-random caveat.

test("organiser imports election results on a phone, fixes a line, and reads swing against the region", async ({ page }) => {
  const election = `E2E election ${uniqueSuffix()}`;
  const lines = [
    "seat,region,previous,new,electorate",
    // The demo movement's target seat, in another case: matched to the Northgate group.
    "NORTHGATE,North,31.0,34.0,70000",
    "Hillcrest,North,28.0,38.5,65000",
    "Lowmoor,North,40.0,52.0,72000",
    "Eastfield,South,35.0,37.0,",
  ];
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, DEMO.organiser.email, DEMO.organiser.password, { expectUrl: /\/$/ });
  await page.goto("/reports");
  await page.getByRole("navigation", { name: "Report sections" }).getByRole("link", { name: "Elections" }).click();
  await expect(page.getByRole("heading", { name: "Election results", level: 2 })).toBeVisible();
  // The demo election, shown first: Northgate's small fall against its region's.
  await expect(page.getByRole("row", { name: /Northgate/ })).toContainText("−3.0");
  await checkA11y(page, "elections, the demo election");

  await page.getByRole("textbox", { name: "Election", exact: true }).fill(election);
  await page.getByLabel("Results (CSV)").fill([...lines.slice(0, 3), "Lowmoor,North,forty,52.0,72000", lines[4]].join("\n"));
  await page.getByRole("button", { name: "Import results" }).click();
  const problems = page.locator("#election-results-error");
  await expect(problems).toContainText("Nothing was stored");
  await expect(problems).toContainText("Line 4: “previous” must be a share in percent");
  await checkA11y(page, "elections, line errors");

  await page.getByLabel("Results (CSV)").fill(lines.join("\n"));
  await page.getByRole("button", { name: "Import results" }).click();
  await expect(page.getByRole("status")).toContainText(`Imported 4 seats for ${election}`);

  const seats = page.getByRole("region", { name: /Each seat’s swing/ });
  // Northgate: +3.0 against the North's electorate-weighted swing.
  const north = (3 * 70_000 + 10.5 * 65_000 + 12 * 72_000) / (70_000 + 65_000 + 72_000);
  const northRow = seats.getByRole("row", { name: /NORTHGATE/ });
  await expect(northRow).toContainText("+3.0");
  await expect(northRow).toContainText(`+${north.toFixed(1)}`);
  await expect(northRow).toContainText("weighted by electorate of 3");
  await expect(northRow).toContainText(`−${(north - 3).toFixed(1)}`);
  await expect(seats.getByRole("row", { name: /Eastfield/ })).toContainText("mean of 1");

  const summary = page.getByRole("region", { name: /Mean swing with 95% confidence intervals/ });
  await expect(summary).toBeVisible();
  await expect(page.getByText(/Seats where organisers worked were not chosen at random/).first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Seats that match no target seat" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Download the seat table (CSV)" })).toHaveAttribute("href", /\/reports\/export\/election-results\?election=/);
  await checkA11y(page, "elections report");
  await expectNoHorizontalScroll(page, "election results on a phone");

  // The same name again: never a silent replacement. Dropping seats of target-seat groups
  // that are not the organiser's (Hillcrest, Eastfield) is refused, nothing stored.
  await page.getByRole("textbox", { name: "Election", exact: true }).fill(election);
  await page.getByLabel("Results (CSV)").fill(lines.slice(0, 2).join("\n"));
  await page.getByRole("button", { name: "Import results" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "groups that are not yours" })).toContainText("“Hillcrest”, “Eastfield”");
  // Changing a seat they may change is shown, and stored once confirmed.
  await page.getByRole("textbox", { name: "Election", exact: true }).fill(election);
  await page.getByLabel("Results (CSV)").fill(lines.map((l) => l.replace("Lowmoor,North,40.0,52.0", "Lowmoor,North,40.0,50.0")).join("\n"));
  await page.getByRole("button", { name: "Import results" }).click();
  const confirm = page.getByRole("alert").filter({ hasText: `Replace the results of “${election}”?` });
  await expect(confirm).toContainText("3 seats kept unchanged");
  await expect(confirm).toContainText("1 seat changed: Lowmoor");
  await expect(confirm).toContainText("0 seats dropped");
  await checkA11y(page, "elections, confirm a replacement");
  await expectNoHorizontalScroll(page, "confirm a replacement on a phone");
  await confirm.getByRole("button", { name: "Replace the results" }).click();
  await expect(page.getByRole("status")).toContainText(`Imported 4 seats for ${election}`);
  await expect(page.getByRole("region", { name: /Each seat’s swing/ }).getByRole("row", { name: /Lowmoor/ })).toContainText("40% → 50%");
});
