import { Module } from '@nestjs/common';
import { OrmModule } from '../../../lib';
import { Note } from './note.model';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';

@Module({
  imports: [OrmModule.forFeature([Note])],
  controllers: [NotesController],
  providers: [NotesService],
})
export class NotesModule {}
