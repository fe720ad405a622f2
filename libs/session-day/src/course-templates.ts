/** Parses COURSE_TEMPLATES ("A=course-a,B-1=course-b") into course code -> template id. */
export function parseCourseTemplates(setting: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of setting.split(',')) {
    const [course, template] = pair.split('=').map((p) => p.trim());
    if (course && template) map.set(course, template);
  }
  return map;
}
