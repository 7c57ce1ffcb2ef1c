import { EMPTY_PROFILE, type Profile, type ProfileAddress } from '../../protocol';
import { button, el } from '../shared/dom';
import { t } from '../shared/i18n';
import { readSetting, saveSetting } from '../shared/stored-setting';

type TextKey = Exclude<keyof Profile, 'addresses' | 'extras' | 'notes' | 'birthDate'>;
const TEXT_FIELDS: Array<[TextKey, string, string]> = [
  ['givenName', 'profileGivenName', 'given-name'],
  ['additionalName', 'profileAdditionalName', 'additional-name'],
  ['familyName', 'profileFamilyName', 'family-name'],
  ['email', 'profileEmail', 'email'],
  ['phone', 'profilePhone', 'tel'],
  ['organization', 'profileOrganization', 'organization'],
  ['jobTitle', 'profileJobTitle', 'organization-title'],
];
const ADDRESS_FIELDS: Array<[keyof ProfileAddress, string]> = [
  ['label', 'profileAddressLabel'],
  ['line1', 'profileAddressLine1'],
  ['line2', 'profileAddressLine2'],
  ['city', 'profileAddressCity'],
  ['region', 'profileAddressRegion'],
  ['postalCode', 'profileAddressPostalCode'],
  ['country', 'profileAddressCountry'],
];

/**
 * The form-filling profile: names, contact details, addresses, dates and numbers the user chooses to keep, and
 * notes, in any language and script. Saved on every change to this browser's local extension storage (never
 * synced), and removable at once with one button.
 */
export function mountProfileSettings(section: HTMLElement): void {
  const status = el('output', { id: 'profile-status' });
  status.setAttribute('aria-live', 'polite');
  const body = el('div');
  section.append(el('h2', { textContent: t('profileHeading') }), el('p', { className: 'muted', textContent: t('profileIntro') }), body, status);

  let profile: Profile = EMPTY_PROFILE;
  // Changes are applied one after another to the latest saved profile: a value typed just before a click on
  // Add or Remove is saved first, not lost to the click's older copy.
  let queue = Promise.resolve();
  const update = (change: (current: Profile) => Profile, message = 'profileSaved', then?: () => void): void => {
    queue = queue.then(async () => {
      const next = change(profile);
      const saved = await saveSetting('fillProfile', next);
      if (saved) profile = next;
      status.textContent = t(saved ? message : 'profileNotSaved');
      then?.();
    });
  };
  const input = (id: string, label: string, value: string, onChange: (value: string) => void, autocomplete = 'off', type = 'text'): HTMLElement => {
    const field = el('input', { id, type, value, autocomplete: autocomplete as AutoFill, dir: 'auto', maxLength: 300 });
    // Saved as the user types (a moment after the last key) and when they leave the field.
    let timer: ReturnType<typeof setTimeout> | undefined;
    field.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => onChange(field.value), 400);
    });
    field.addEventListener('change', () => {
      clearTimeout(timer);
      onChange(field.value);
    });
    return el('p', {}, el('label', { htmlFor: id, textContent: label }), el('br'), field);
  };

  const render = (): void => {
    const rows: HTMLElement[] = [];
    for (const [key, label, autocomplete] of TEXT_FIELDS) {
      rows.push(input(`profile-${key}`, t(label), profile[key], (value) => update((p) => ({ ...p, [key]: value.trim() })), autocomplete, key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text'));
    }
    rows.push(input('profile-birthDate', t('profileBirthDate'), profile.birthDate, (value) => update((p) => ({ ...p, birthDate: value })), 'bday', 'date'));

    const addresses = el('fieldset', {}, el('legend', { textContent: t('profileAddresses') }));
    profile.addresses.forEach((address, index) => {
      const block = el('div', { className: 'profile-address' });
      block.dataset['index'] = String(index);
      for (const [key, label] of ADDRESS_FIELDS) {
        block.append(input(`profile-address-${index}-${key}`, t(label), address[key], (value) => update((p) => ({ ...p, addresses: p.addresses.map((a, i) => (i === index ? { ...a, [key]: value.trim() } : a)) }))));
      }
      block.append(button(t('profileRemoveAddress'), () => update((p) => ({ ...p, addresses: p.addresses.filter((_, i) => i !== index) }), 'profileSaved', render), 'remove-address', true));
      addresses.append(block);
    });
    if (profile.addresses.length < 10) {
      addresses.append(button(t('profileAddAddress'), () => {
        update((p) => {
          const blank: ProfileAddress = { label: p.addresses.length === 0 ? t('profileHomeLabel') : '', line1: '', line2: '', city: '', region: '', postalCode: '', country: '' };
          return { ...p, addresses: [...p.addresses, blank].slice(0, 10) };
        }, 'profileSaved', render);
      }, 'add-address', true));
    }

    const extras = el('fieldset', {}, el('legend', { textContent: t('profileExtras') }), el('p', { className: 'muted', textContent: t('profileExtrasHint') }));
    profile.extras.forEach((extra, index) => {
      const row = el('div', { className: 'profile-extra' });
      row.append(
        input(`profile-extra-${index}-label`, t('profileExtraLabel'), extra.label, (value) => update((p) => ({ ...p, extras: p.extras.map((e, i) => (i === index ? { ...e, label: value.trim() } : e)) }))),
        input(`profile-extra-${index}-value`, t('profileExtraValue'), extra.value, (value) => update((p) => ({ ...p, extras: p.extras.map((e, i) => (i === index ? { ...e, value: value.trim() } : e)) }))),
        button(t('profileRemoveExtra'), () => update((p) => ({ ...p, extras: p.extras.filter((_, i) => i !== index) }), 'profileSaved', render), 'remove-extra', true),
      );
      extras.append(row);
    });
    if (profile.extras.length < 30) extras.append(button(t('profileAddExtra'), () => update((p) => ({ ...p, extras: [...p.extras, { label: '', value: '' }].slice(0, 30) }), 'profileSaved', render), 'add-extra', true));

    const notes = el('textarea', { id: 'profile-notes', rows: 4, cols: 40, value: profile.notes, dir: 'auto', maxLength: 4000 });
    notes.addEventListener('change', () => update((p) => ({ ...p, notes: notes.value })));
    const notesRow = el('p', {}, el('label', { htmlFor: 'profile-notes', textContent: t('profileNotes') }), el('br'), notes);

    // Asked once more: nothing brings the details back.
    const erase = button(t('profileDeleteAll'), () => {
      if (confirm(t('profileDeleteConfirm'))) update(() => EMPTY_PROFILE, 'profileDeleted', render);
    }, 'delete-profile', true);
    body.replaceChildren(...rows, addresses, extras, notesRow, erase);
  };

  void readSetting('fillProfile').then((stored) => {
    profile = stored;
    render();
  });
}
