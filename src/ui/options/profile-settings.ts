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
  const save = async (next: Profile, message = 'profileSaved'): Promise<void> => {
    const saved = await saveSetting('fillProfile', next);
    if (saved) profile = next;
    status.textContent = t(saved ? message : 'profileNotSaved');
  };
  const input = (id: string, label: string, value: string, onChange: (value: string) => void, autocomplete = 'off', type = 'text'): HTMLElement => {
    const field = el('input', { id, type, value, autocomplete: autocomplete as AutoFill, dir: 'auto', maxLength: 300 });
    field.addEventListener('change', () => onChange(field.value));
    return el('p', {}, el('label', { htmlFor: id, textContent: label }), el('br'), field);
  };

  const render = (): void => {
    const rows: HTMLElement[] = [];
    for (const [key, label, autocomplete] of TEXT_FIELDS) {
      rows.push(input(`profile-${key}`, t(label), profile[key], (value) => void save({ ...profile, [key]: value.trim() }), autocomplete, key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text'));
    }
    rows.push(input('profile-birthDate', t('profileBirthDate'), profile.birthDate, (value) => void save({ ...profile, birthDate: value }), 'bday', 'date'));

    const addresses = el('fieldset', {}, el('legend', { textContent: t('profileAddresses') }));
    profile.addresses.forEach((address, index) => {
      const block = el('div', { className: 'profile-address' });
      block.dataset['index'] = String(index);
      for (const [key, label] of ADDRESS_FIELDS) {
        block.append(input(`profile-address-${index}-${key}`, t(label), address[key], (value) => {
          const next = profile.addresses.map((a, i) => (i === index ? { ...a, [key]: value.trim() } : a));
          void save({ ...profile, addresses: next });
        }));
      }
      block.append(button(t('profileRemoveAddress'), () => void save({ ...profile, addresses: profile.addresses.filter((_, i) => i !== index) }).then(render), 'remove-address', true));
      addresses.append(block);
    });
    if (profile.addresses.length < 10) {
      addresses.append(button(t('profileAddAddress'), () => {
        const blank: ProfileAddress = { label: profile.addresses.length === 0 ? t('profileHomeLabel') : '', line1: '', line2: '', city: '', region: '', postalCode: '', country: '' };
        void save({ ...profile, addresses: [...profile.addresses, blank] }).then(render);
      }, 'add-address', true));
    }

    const extras = el('fieldset', {}, el('legend', { textContent: t('profileExtras') }), el('p', { className: 'muted', textContent: t('profileExtrasHint') }));
    profile.extras.forEach((extra, index) => {
      const row = el('div', { className: 'profile-extra' });
      row.append(
        input(`profile-extra-${index}-label`, t('profileExtraLabel'), extra.label, (value) => void save({ ...profile, extras: profile.extras.map((e, i) => (i === index ? { ...e, label: value.trim() } : e)) })),
        input(`profile-extra-${index}-value`, t('profileExtraValue'), extra.value, (value) => void save({ ...profile, extras: profile.extras.map((e, i) => (i === index ? { ...e, value: value.trim() } : e)) })),
        button(t('profileRemoveExtra'), () => void save({ ...profile, extras: profile.extras.filter((_, i) => i !== index) }).then(render), 'remove-extra', true),
      );
      extras.append(row);
    });
    if (profile.extras.length < 30) extras.append(button(t('profileAddExtra'), () => void save({ ...profile, extras: [...profile.extras, { label: '', value: '' }] }).then(render), 'add-extra', true));

    const notes = el('textarea', { id: 'profile-notes', rows: 4, cols: 40, value: profile.notes, dir: 'auto', maxLength: 4000 });
    notes.addEventListener('change', () => void save({ ...profile, notes: notes.value }));
    const notesRow = el('p', {}, el('label', { htmlFor: 'profile-notes', textContent: t('profileNotes') }), el('br'), notes);

    const erase = button(t('profileDeleteAll'), () => void save(EMPTY_PROFILE, 'profileDeleted').then(render), 'delete-profile', true);
    body.replaceChildren(...rows, addresses, extras, notesRow, erase);
  };

  void readSetting('fillProfile').then((stored) => {
    profile = stored;
    render();
  });
}
