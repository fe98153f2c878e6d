import { type Progress, type Unit, unitDetail, units } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { coverageLabel, formatDate, locale, onLocaleChange, statusLabel, t, techLabel } from "../i18n/index.ts";
import { COVERAGE_STATES, STATION_STATUSES } from "../map/style.ts";
import { operators } from "../operators.ts";
import type { MapState, SelectedUnit, Store } from "../state.ts";

type Option = { value: string; label: string };

function fillSelect(select: HTMLSelectElement, options: Option[], value: string): void {
  replaceChildren(
    select,
    options.map((o) => el("option", { value: o.value, selected: o.value === value }, o.label)),
  );
  select.value = value;
}

const collator = () => new Intl.Collator(locale(), { sensitivity: "base", numeric: true });

function unitLabel(u: Pick<Unit, "full_name" | "valid_from" | "valid_to">): string {
  if (u.valid_to) return t("unit.validTo", { name: u.full_name, date: formatDate(u.valid_to) });
  if (u.valid_from) return t("unit.validFrom", { name: u.full_name, date: formatDate(u.valid_from) });
  return u.full_name;
}

const keyOf = (u: Pick<Unit, "code" | "era">) => `${u.era}:${u.code}`;

// The unit choice is a cascade: a province of either era, then (before 2025)
// a district, then a commune. Pre-2025 units filter the villages by their
// former unit; only the 2025 communes have polygons on the map.
export function createFilters(store: Store, techs: () => Progress["by_technology"]) {
  const province = byId<HTMLSelectElement>("f-province");
  const district = byId<HTMLSelectElement>("f-district");
  const districtField = byId("f-district-field");
  const commune = byId<HTMLSelectElement>("f-commune");
  const eraNote = byId("f-era-note");
  const operator = byId<HTMLSelectElement>("f-operator");
  const tech = byId<HTMLSelectElement>("f-tech");
  const coverage = byId<HTMLSelectElement>("f-coverage");
  const showStations = byId<HTMLInputElement>("f-stations");
  const status = byId<HTMLSelectElement>("f-status");
  const reset = byId<HTMLButtonElement>("f-reset");

  let provinces: Unit[] = [];
  let districts: Unit[] = [];
  let communes: Unit[] = [];
  let chosen: { province?: Unit; district?: Unit; commune?: Unit } = {};

  const sortUnits = (rows: Unit[]) => [...rows].sort((a, b) => collator().compare(a.name, b.name));

  function renderUnits() {
    fillSelect(
      province,
      provinces.map((p) => ({ value: keyOf(p), label: unitLabel(p) })),
      chosen.province ? keyOf(chosen.province) : "",
    );
    const pre2025 = chosen.province?.era === "pre2025";
    districtField.hidden = !pre2025;
    eraNote.hidden = !pre2025;
    fillSelect(
      district,
      [
        { value: "", label: t("unit.allDistricts") },
        ...sortUnits(districts).map((d) => ({ value: d.code, label: d.full_name })),
      ],
      chosen.district?.code ?? "",
    );
    fillSelect(
      commune,
      [
        { value: "", label: t("unit.allCommunes") },
        ...sortUnits(communes).map((c) => ({ value: c.code, label: c.full_name })),
      ],
      chosen.commune?.code ?? "",
    );
    commune.disabled = communes.length === 0;
  }

  function renderOthers(state: MapState) {
    fillSelect(
      operator,
      [{ value: "", label: t("filters.all") }, ...operators().map((o) => ({ value: o.operator_id, label: o.name }))],
      state.operator,
    );
    fillSelect(
      tech,
      [{ value: "", label: t("filters.all") }, ...techs().map((x) => ({ value: x.tech, label: techLabel(x.tech) }))],
      state.tech,
    );
    fillSelect(
      coverage,
      [{ value: "", label: t("filters.all") }, ...COVERAGE_STATES.map((c) => ({ value: c, label: coverageLabel(c) }))],
      state.coverage,
    );
    fillSelect(
      status,
      [
        { value: "", label: t("filters.statusActive") },
        ...STATION_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
      ],
      state.status,
    );
    showStations.checked = state.stations;
    status.disabled = !state.stations;
  }

  const selectedUnit = (): Unit | undefined => chosen.commune ?? chosen.district ?? chosen.province;
  const asOf = (u: Unit | undefined) => (u?.era === "pre2025" ? (u.valid_to ?? undefined) : undefined);

  async function loadChildren() {
    const p = chosen.province;
    districts = p?.era === "pre2025" ? await units({ parent: p.code, as_of: asOf(p) }) : [];
    const communeParent = p?.era === "pre2025" ? chosen.district : p;
    communes = communeParent ? await units({ parent: communeParent.code, as_of: asOf(communeParent) }) : [];
  }

  function commitUnit() {
    const unit = selectedUnit();
    if (unit) store.set({ unit: toSelected(unit) });
  }

  province.addEventListener("change", async () => {
    chosen = { province: provinces.find((p) => keyOf(p) === province.value) };
    await loadChildren();
    renderUnits();
    commitUnit();
  });
  district.addEventListener("change", async () => {
    chosen = { province: chosen.province, district: districts.find((d) => d.code === district.value) };
    await loadChildren();
    renderUnits();
    commitUnit();
  });
  commune.addEventListener("change", () => {
    chosen = { ...chosen, commune: communes.find((c) => c.code === commune.value) };
    commitUnit();
  });
  operator.addEventListener("change", () => store.set({ operator: operator.value }));
  tech.addEventListener("change", () => store.set({ tech: tech.value as MapState["tech"] }));
  coverage.addEventListener("change", () => store.set({ coverage: coverage.value as MapState["coverage"] }));
  showStations.addEventListener("change", () => {
    status.disabled = !showStations.checked;
    store.set({ stations: showStations.checked });
  });
  status.addEventListener("change", () => store.set({ status: status.value as MapState["status"] }));
  reset.addEventListener("click", () => {
    store.set({ operator: "", tech: "", coverage: "", status: "" });
    renderOthers(store.get());
  });

  store.subscribe((state) => renderOthers(state));
  onLocaleChange(() => {
    renderUnits();
    renderOthers(store.get());
  });

  // Brings the selects in line with a unit chosen elsewhere (search, a
  // commune on the map): walks up its parents to fill the cascade.
  async function show(unit: SelectedUnit) {
    const detail = await unitDetail(unit.code, unit.era === "pre2025" ? (unit.valid_to ?? undefined) : undefined);
    const lineage: Unit[] = [detail];
    let parentCode = detail.parent_code;
    while (parentCode) {
      const parent = await unitDetail(parentCode, asOf(detail));
      lineage.unshift(parent);
      parentCode = parent.parent_code;
    }
    const [p, second, third] = lineage;
    chosen =
      p?.era === "pre2025"
        ? { province: p, district: second, commune: third }
        : { province: p, district: undefined, commune: second };
    await loadChildren();
    renderUnits();
    commitUnit();
  }

  async function init(initial: SelectedUnit) {
    provinces = await units({});
    await show(initial);
    renderOthers(store.get());
  }

  return { init, show, refreshOptions: () => renderOthers(store.get()) };
}

export function toSelected(u: Unit): SelectedUnit {
  return {
    code: u.code,
    era: u.era,
    level: u.level,
    name: u.name,
    full_name: u.full_name,
    valid_from: u.valid_from,
    valid_to: u.valid_to,
  };
}
