// Appearance: font size, density and motion, saved in this browser and applied immediately.

import { useState } from "react";
import {
  DEFAULT_APPEARANCE,
  FONT_SIZES,
  loadAppearance,
  saveAppearance,
  type Appearance,
  type Density,
  type Motion,
} from "./appearance";

export function AppearanceSection() {
  const [prefs, setPrefs] = useState<Appearance>(loadAppearance);
  const update = (patch: Partial<Appearance>) => {
    const next = { ...prefs, ...patch };
    setPrefs(next);
    saveAppearance(next);
  };
  return (
    <section className="card" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <p className="muted small">Saved in this browser only.</p>
      <div className="appearance-grid">
        <label className="field">
          <span>Font size</span>
          <select value={prefs.fontSize} onChange={(e) => update({ fontSize: Number(e.target.value) })}>
            {FONT_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}px{size === DEFAULT_APPEARANCE.fontSize ? " (default)" : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Density</span>
          <select value={prefs.density} onChange={(e) => update({ density: e.target.value as Density })}>
            <option value="comfortable">Comfortable</option>
            <option value="compact">Compact</option>
          </select>
        </label>
        <label className="field">
          <span>Motion</span>
          <select value={prefs.motion} onChange={(e) => update({ motion: e.target.value as Motion })}>
            <option value="system">Follow the system setting</option>
            <option value="reduce">Reduce motion</option>
            <option value="full">Full motion</option>
          </select>
        </label>
      </div>
      <div className="row end">
        <button onClick={() => update(DEFAULT_APPEARANCE)}>Reset to defaults</button>
      </div>
    </section>
  );
}
