-- Each grade record knows the day the next one replaced it (exclusive), so "grade X on day D"
-- is one index probe: effective_on <= D AND (superseded_on IS NULL OR superseded_on > D).
-- Records on the same day are ordered by created_at; the earlier one gets an empty period.
ALTER TABLE enterprise_grade ADD COLUMN superseded_on TEXT;
UPDATE enterprise_grade SET superseded_on = (
    SELECT g2.effective_on FROM enterprise_grade g2
    WHERE g2.enterprise_id = enterprise_grade.enterprise_id
      AND (g2.effective_on > enterprise_grade.effective_on
           OR (g2.effective_on = enterprise_grade.effective_on AND g2.created_at > enterprise_grade.created_at))
    ORDER BY g2.effective_on, g2.created_at
    LIMIT 1
);
-- "grade X on day D" reads the matching periods from one index range
DROP INDEX enterprise_grade_grade_ix;
CREATE INDEX enterprise_grade_grade_ix ON enterprise_grade (grade, effective_on, superseded_on, enterprise_id);
-- today's grade filter walks the grade in name order (the list's default order) and stops early
DROP INDEX enterprise_current_grade_ix;
CREATE INDEX enterprise_current_grade_ix ON enterprise (grade, name);
