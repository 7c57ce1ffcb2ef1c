import { PagewiseError, type HardwareReport } from '../../protocol';
import { el } from '../shared/dom';
import { formatBytes } from '../shared/format';
import type { EngineConnection } from '../shared/engine-connection';
import { BUILT_IN_MODELS } from '../../store/model-registry';
import { t } from '../shared/i18n';

/**
 * The options page's hardware section: what this device offers (WebGPU adapter and limits, memory, threads)
 * and which model the engine picked, with every reason in words — never a raw exception.
 */

/** A built-in model's name as the model list shows it, never its id. */
const modelName = (id: string): string => BUILT_IN_MODELS.find((model) => model.id === id)?.label ?? id;

function line(parent: HTMLElement, text: string, tag: 'p' | 'li' = 'p'): void {
  parent.append(el(tag, { textContent: text }));
}

function render(section: HTMLElement, report: HardwareReport): void {
  section.replaceChildren();
  const gpu = report.webgpu;
  if ('unavailable' in gpu) line(section, t(`hardwareGpu_${gpu.unavailable.replaceAll('-', '_')}`));
  else line(section, t('hardwareGpu', [gpu.adapter, (gpu.maxStorageBufferBindingSize / 1024 ** 2).toFixed(0), gpu.shaderF16 ? t('yes') : t('no')]));
  line(section, t('hardwareMemory', [report.deviceMemoryGiB === undefined ? '—' : String(report.deviceMemoryGiB), String(report.cores)]));
  line(section, t(report.crossOriginIsolated ? 'hardwareIsolated' : 'hardwareNotIsolated'));
  const { choice } = report;
  if (choice.ok && choice.candidate) {
    const c = choice.candidate;
    // The backend in the words the model list uses ("CPU (WebAssembly)"), the size as every other size here.
    line(section, t('hardwareChoice', [modelName(c.modelId), t(`models_backend_${c.backend}`), c.dtype, formatBytes(c.weightBytes)]));
  } else {
    line(section, t('hardwareNothingFits'));
  }
  const reasons = el('ul');
  for (const { candidate, reason } of choice.reasons) {
    if (reason === 'chosen') continue;
    line(reasons, t('hardwareReasonLine', [modelName(candidate.modelId), candidate.dtype, t(`hardwareReason_${reason.replaceAll('-', '_')}`)]), 'li');
  }
  section.append(reasons, costs(report));
}

/**
 * Per built-in model, in words: what it downloads, and either the graph it would run here (stored size, memory
 * while running) or why it does not run here. The best graph of each model that fits is the one shown.
 */
function costs(report: HardwareReport): HTMLElement {
  const list = el('ul');
  for (const model of BUILT_IN_MODELS) {
    const verdicts = report.verdicts.filter((v) => v.candidate.modelId === model.id);
    const fitting = verdicts.find((v) => v.reason === undefined);
    const download = formatBytes(model.approxBytes);
    if (fitting) {
      const { candidate } = fitting;
      const where = t(candidate.backend === 'webgpu' ? 'hardwareOnGpu' : 'hardwareOnCpu');
      line(list, t('hardwareCostFits', [model.label, download, where, candidate.dtype, formatBytes(candidate.weightBytes), formatBytes(fitting.memoryBytes)]), 'li');
    } else {
      const best = verdicts[0];
      const why = best?.reason ? t(`hardwareReason_${best.reason.replaceAll('-', '_')}`) : '';
      line(list, t('hardwareCostDoesNotFit', [model.label, download, why]), 'li');
    }
  }
  return el('div', {}, el('h3', { textContent: t('hardwareCostsHeading') }), list);
}

/** The details of the probe (which runs in the engine host) are shown when the user opens the section. */
export function mountHardwarePanel(section: HTMLElement, connection: EngineConnection): void {
  const body = el('div');
  const details = el('details', {}, el('summary', { textContent: t('hardwareHeading') }), body);
  section.replaceChildren(details);
  let probed = false;
  details.addEventListener('toggle', () => {
    if (!details.open || probed) return;
    probed = true;
    line(body, t('hardwareProbing'));
    connection.engine
      .call('engine.hardware', {})
      .then((report) => render(body, report))
      .catch((error: unknown) => {
        probed = false;
        body.replaceChildren();
        line(body, t('hardwareProbeFailed', error instanceof PagewiseError ? error.message : t('hardwareProbeUnknown')));
      });
  });
}
