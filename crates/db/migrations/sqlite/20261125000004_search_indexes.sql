-- Grade filters as of a date start from the grades themselves.
CREATE INDEX enterprise_grade_grade_ix ON enterprise_grade (grade, effective_on);
CREATE INDEX enterprise_current_grade_ix ON enterprise (grade);
