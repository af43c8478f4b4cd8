import { useId } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { formatDayMonth, isoDayStart } from '../../i18n/local-date';

export interface Series {
  label: string;
  /** CSS class of its bars and legend swatch (colours come from the theme). */
  className: string;
  values: number[];
}

const W = 640;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 36 };

/**
 * Grouped bars, one group per day, drawn as SVG (no chart library). The picture is described
 * by its title and summary; the same figures are in a table under it for screen readers and
 * for anyone who wants the numbers. Days are named as the reader's language does ("14/3").
 */
export function BarChart(props: {
  title: string;
  summary: string;
  labels: string[];
  series: Series[];
}) {
  const { labels, series } = props;
  const { t, number, date, lang } = useI18n();
  const id = useId();
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / Math.max(1, labels.length);
  const bar = Math.max(1, (group * 0.8) / series.length);
  const every = Math.ceil(labels.length / 8);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;

  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <desc id={`${id}-desc`}>{props.summary}</desc>
        <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <text className="chart-tick" x={PAD.left - 4} y={y(max) + 4} textAnchor="end">
          {number(max)}
        </text>
        <text className="chart-tick" x={PAD.left - 4} y={y(0)} textAnchor="end">
          0
        </text>
        {labels.map((label, i) => (
          <g key={label}>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect
                  key={s.label}
                  className={s.className}
                  x={PAD.left + i * group + group * 0.1 + j * bar}
                  y={y(v)}
                  width={bar}
                  height={Math.max(0, y(0) - y(v))}
                />
              );
            })}
            {i % every === 0 ? (
              <text
                className="chart-tick"
                x={PAD.left + i * group + group / 2}
                y={H - 8}
                textAnchor="middle"
              >
                {formatDayMonth(label, lang)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.label}>
            <span className={`chart-swatch ${s.className}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('admin.analytics.show_figures')}</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.analytics.day')}</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">
                  {Number.isNaN(isoDayStart(label)) ? label : date(isoDayStart(label))}
                </th>
                {series.map((s) => (
                  <td key={s.label}>{number(s.values[i] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
