import {
  camelCase,
  classNamesFor,
  modelFileName,
  PropertyNames,
  singularize,
} from '../../../lib/cli/pull/pull-naming';

describe('db:pull naming', () => {
  it('singular of table names, the inverse of the naming strategy', () => {
    const cases: Record<string, string> = {
      films: 'film',
      categories: 'category',
      addresses: 'address',
      address: 'address',
      staff: 'staff',
      people: 'person',
      order_statuses: 'order_status',
      boxes: 'box',
      film_actor: 'film_actor',
      analysis: 'analysis',
      houses: 'house',
      buses: 'bus',
    };
    for (const [table, singular] of Object.entries(cases)) {
      expect([table, singularize(table)]).toEqual([table, singular]);
    }
  });

  it('class names: singular PascalCase; on a collision the singular table keeps the name', () => {
    expect(
      Object.fromEntries(classNamesFor(['users', 'user', 'film_actor', 'index', 'dates'])),
    ).toEqual({
      user: 'User',
      users: 'Users',
      film_actor: 'FilmActor',
      index: 'IndexRecord',
      dates: 'DateRecord',
    });
    expect(modelFileName('FilmActor')).toBe('film-actor.model.ts');
  });

  it('property names: camelCase, never twice, never a Model member', () => {
    expect(camelCase('original_language_id')).toBe('originalLanguageId');
    expect(camelCase('Weight')).toBe('weight');
    expect(camelCase('2fa code')).toBe('_2faCode');
    const names = new PropertyNames();
    expect(names.claim('language')).toBe('language');
    expect(names.claim('language', 'languageLanguage')).toBe('languageLanguage');
    expect(names.claim('language')).toBe('language2');
    expect(names.claim('save', 'saveColumn')).toBe('saveColumn');
  });
});
