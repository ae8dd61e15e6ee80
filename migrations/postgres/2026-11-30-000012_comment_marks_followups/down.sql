DROP TABLE followups;
DROP TABLE comment_marks;
