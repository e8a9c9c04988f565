/** Every criterion a policy may name; anything else is a config error, never ignored. */
import { authAge, sessionAge } from './age.js';
import { attribute } from './attribute.js';
import { claim } from './claim.js';
import { accept, authenticatedUser, publicAccess, reject } from './constant.js';
import type { CriterionDef } from './criterion.js';
import { date } from './date.js';
import { dayOfWeek } from './day-of-week.js';
import { domain, email } from './email.js';
import { groups } from './groups.js';
import { httpMethod, httpPath } from './http.js';
import { scimFilter } from './scim-filter.js';
import { sourceIp } from './source-ip.js';
import { timeOfDay } from './time-of-day.js';
import { user } from './user.js';

export const CRITERIA: Readonly<Record<string, CriterionDef>> = {
  accept,
  reject,
  authenticated_user: authenticatedUser,
  public: publicAccess,
  user,
  email,
  domain,
  groups,
  attribute,
  scim_filter: scimFilter,
  claim,
  http_method: httpMethod,
  http_path: httpPath,
  source_ip: sourceIp,
  time_of_day: timeOfDay,
  day_of_week: dayOfWeek,
  date,
  session_age: sessionAge,
  auth_age: authAge,
};

export const CRITERION_NAMES = Object.keys(CRITERIA);
