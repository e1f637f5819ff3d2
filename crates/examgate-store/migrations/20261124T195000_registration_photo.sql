-- Registration photos from the seating list's 照片 column, kept in the database so the door shows
-- them offline and they travel with the list.

CREATE TABLE registration_photo (
    sitting_id      INTEGER NOT NULL REFERENCES sitting(id),
    student_number  TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    bytes           BLOB NOT NULL,
    PRIMARY KEY (sitting_id, student_number)
);
